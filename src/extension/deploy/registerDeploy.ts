// Deploy in VS Code: the service (hosts, plans, VM states) and its commands.
import type { Services } from '../services';
import { DeployService } from './deployService';
import { registerDeployCommands } from './registerDeployCommands';

export { DeployService, type VmHostState } from './deployService';

/** Creates the deploy service and its commands; the explorer reads VM states from it. */
export function registerDeploy(services: Services): DeployService {
  const deploy = new DeployService(services.settings, services.log);
  services.context.subscriptions.push(deploy);
  registerDeployCommands(services, deploy);
  return deploy;
}
