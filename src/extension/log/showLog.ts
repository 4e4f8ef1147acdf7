import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';

export function registerShowLogCommand(services: Services): void {
  registerCommand(services, Commands.showLog, () => services.log.show(true));
}
