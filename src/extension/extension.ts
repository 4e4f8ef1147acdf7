// Activation: build the services, then one registerX per feature. Every disposable goes
// into context.subscriptions.
import type * as vscode from 'vscode';
import { createLog } from './log/log';
import { SettingsService } from './settingsService';
import { ProjectService } from './project/projectService';
import { DiagnosticsService } from './diagnostics/diagnosticsService';
import { registerQuickFixes } from './diagnostics/quickFixes';
import { createDomainSchemas } from '../core/io/schemaFiles';
import { cacheDirNote } from '../core/io/userCacheDir';
import { registerCheckProjectCommand } from './project/checkProjectCommand';
import { registerShowLogCommand } from './log/showLog';
import { registerNetworkFiles } from './network/registerNetwork';
import { registerDomainTemplates } from './domain/registerDomain';
import { registerExplorer } from './explorer/registerExplorer';
import { registerNewProjectCommands } from './project/newProject';
import { registerNewFleetCommands } from './fleet/newFleet';
import { registerBuildCommands } from './build/buildCommands';
import { registerTasks } from './build/taskProvider';
import { registerShowIsoContentsCommand } from './build/showIsoContents';
import { registerRevealFileCommand } from './explorer/revealFile';
import { registerOpenTemplateCommand } from './explorer/openTemplate';
import { registerFleetPanelSerializer } from './fleet/fleetPanel';
import { registerDeploy } from './deploy/registerDeploy';
import { registerCloudInit } from './cloudinit/registerCloudInit';
import type { Services } from './services';
import type { ProjectTreeProvider } from './explorer/projectTreeProvider';

/** What activate() returns to other extensions (and the integration tests): the services and the explorer's tree data. */
export interface ExtensionApi extends Services {
  explorer: ProjectTreeProvider;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = createLog();
  const settings = new SettingsService();
  const projects = new ProjectService(log);
  const schemas = createDomainSchemas(context.asAbsolutePath('schemas/domain-template.rng'));
  const diagnostics = new DiagnosticsService(projects, settings, schemas, log);
  context.subscriptions.push(log, settings, projects, diagnostics);
  const services: Services = { context, log, settings, projects, diagnostics, schemas };

  registerQuickFixes(services);
  registerCheckProjectCommand(services);
  registerShowLogCommand(services);
  registerNetworkFiles(services);
  registerDomainTemplates(services);
  registerCloudInit(services);
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

  log.info(`VM Context ${context.extension.packageJSON.version} activated`);
  const cacheNote = cacheDirNote();
  if (cacheNote) log.warn(cacheNote);
  return { ...services, explorer };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
