// Activation: build the services, then one registerX per feature. Every disposable goes
// into context.subscriptions.
import type * as vscode from 'vscode';
import { createLog } from './log';
import { SettingsService } from './settings';
import { ProjectService } from './projects';
import { DiagnosticsService } from './diagnostics/diagnosticsService';
import { registerQuickFixes } from './diagnostics/quickFixes';
import { registerCheckProjectCommand } from './commands/checkProject';
import { registerShowLogCommand } from './commands/showLog';
import { registerNetworkFiles } from './network';
import { registerDomainTemplates } from './domain';
import { registerExplorer } from './tree/registerExplorer';
import { registerNewProjectCommands } from './commands/newProject';
import { registerNewFleetCommands } from './commands/newFleet';
import { registerBuildCommands } from './commands/build';
import { registerTasks } from './build/taskProvider';
import { registerShowIsoContentsCommand } from './commands/showIsoContents';
import { registerRevealFileCommand } from './commands/revealFile';
import { registerOpenTemplateCommand } from './commands/openTemplate';
import { registerFleetPanelSerializer } from './webview/fleetPanel';
import { registerDeploy } from './deploy/index';
import type { Services } from './services';
import type { ProjectTreeProvider } from './tree/projectTreeProvider';

/** What activate() returns to other extensions (and the integration tests): the services and the explorer's tree data. */
export interface ExtensionApi extends Services {
  explorer: ProjectTreeProvider;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const { channel, logger } = createLog();
  const settings = new SettingsService();
  const projects = new ProjectService(logger);
  const diagnostics = new DiagnosticsService(projects, settings, logger);
  context.subscriptions.push(channel, settings, projects, diagnostics);
  const services: Services = { context, log: channel, logger, settings, projects, diagnostics };

  registerQuickFixes(services);
  registerCheckProjectCommand(services);
  registerShowLogCommand(services);
  registerNetworkFiles(services);
  registerDomainTemplates(services);
  registerNewProjectCommands(services);
  registerNewFleetCommands(services);
  registerBuildCommands(services);
  registerTasks(services);
  registerShowIsoContentsCommand(services);
  registerRevealFileCommand(services);
  registerOpenTemplateCommand(services);
  registerFleetPanelSerializer(services);
  const deploy = registerDeploy(services);
  const explorer = registerExplorer(services, deploy);

  logger.info(`VM Context ${context.extension.packageJSON.version} activated`);
  return { ...services, explorer };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
