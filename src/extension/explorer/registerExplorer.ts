// The VM Context view: the tree, its error badge, the `vmContext.hasProject` context key
// (which switches to the welcome view), and the Refresh command.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Commands, ContextKeys, Views } from '../constants';
import { registerCommand } from '../commands';
import { ProjectTreeProvider } from './projectTreeProvider';
import type { DeployService } from '../deploy/registerDeploy';

export function registerExplorer(services: Services, deploy?: DeployService): ProjectTreeProvider {
  const provider = new ProjectTreeProvider(services, deploy);
  const view = vscode.window.createTreeView(Views.projects, { treeDataProvider: provider });
  services.context.subscriptions.push(
    provider,
    view,
    provider.onDidRefresh((roots) => {
      void vscode.commands.executeCommand('setContext', ContextKeys.hasProject, roots.length > 0);
      const errors = roots.reduce((n, r) => n + (r.problems?.errors ?? 0), 0);
      view.badge = errors ? { value: errors, tooltip: `${errors} error${errors === 1 ? '' : 's'} in context projects` } : undefined;
    }),
  );
  registerCommand(services, Commands.refreshExplorer, () => provider.refresh());
  return provider;
}
