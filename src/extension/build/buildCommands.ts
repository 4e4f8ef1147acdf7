// "Build…", "Build All", "Build context.iso", "Build Seeds", "Create Overlays": each checks
// workspace trust, then runs the core build for the project it was invoked on. The image half
// of the build is context.iso in a Snooze project and the per-VM seeds in a NoCloud one.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { pickProject } from '../project/pickProject';
import { requireTrust } from '../trust';
import { runProjectBuild, type BuildScope } from './buildProject';
import { completeWalkthroughStep } from '../project/walkthroughSteps';

export function registerBuildCommands(services: Services): void {
  const run = (scope: BuildScope, what: string, force = false) => async (arg: unknown) => {
    if (!(await requireTrust(what))) return undefined;
    const project = await pickProject(services, arg, what);
    if (!project) return undefined;
    return runProjectBuild(services, project, scope, force);
  };
  registerCommand(services, Commands.buildAll, async (arg: unknown) => {
    const result = await run('all', 'Build All')(arg);
    if (result?.ok) await completeWalkthroughStep(services, 'build');
    return result;
  });
  registerCommand(services, Commands.buildIso, run('iso', 'Build context.iso'));
  registerCommand(services, Commands.buildSeeds, run('iso', 'Build Seeds'));
  registerCommand(services, Commands.buildOverlays, run('overlays', 'Create Overlays'));
  registerCommand(services, Commands.build, async (arg: unknown) => {
    if (!(await requireTrust('Build'))) return undefined;
    const project = await pickProject(services, arg, 'Build');
    if (!project) return undefined;
    const nocloud = project.flavor === 'nocloud';
    const picked = await vscode.window.showQuickPick(
      [
        { label: '$(package) Build all', description: `${nocloud ? 'the seeds' : 'context.iso'} and the overlays that are missing or out of date`, scope: 'all' as BuildScope, force: false },
        nocloud
          ? { label: '$(disc) Build seeds', description: 'one per VM, only those whose cloud-init files, template or manifest changed', scope: 'iso' as BuildScope, force: false }
          : { label: '$(disc) Build context.iso', description: 'only when the context folder changed', scope: 'iso' as BuildScope, force: false },
        { label: '$(layers) Create overlays', description: 'missing or empty out-of-date ones; never over a VM\'s data', scope: 'overlays' as BuildScope, force: false },
        { label: '$(warning) Rebuild everything', description: 'also recreates overlays that hold data (their data is lost)', scope: 'all' as BuildScope, force: true },
      ],
      { title: 'VM Context: Build', placeHolder: 'What to build?' },
    );
    if (!picked) return undefined;
    if (picked.force) {
      const ok = await vscode.window.showWarningMessage('Rebuild everything? Overlays that hold VM data are recreated empty.', { modal: true }, 'Rebuild');
      if (ok !== 'Rebuild') return undefined;
    }
    return runProjectBuild(services, project, picked.scope, picked.force);
  });
}
