// "New VM" and "New Fleet": the same form, with one VM or three by default.
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { pickProject } from '../project/pickProject';
import { FleetPanel } from './fleetPanel';

export function registerNewFleetCommands(services: Services): void {
  registerCommand(services, Commands.newVm, async (arg) => {
    const project = await pickProject(services, arg, 'New VM');
    if (project) await FleetPanel.show(services, project, 'vm');
  });
  registerCommand(services, Commands.newFleet, async (arg) => {
    const project = await pickProject(services, arg, 'New Fleet');
    if (project) await FleetPanel.show(services, project, 'fleet');
  });
}
