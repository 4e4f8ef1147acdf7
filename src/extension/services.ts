// What every feature gets: the extension context, the log, settings and projects.
import type * as vscode from 'vscode';
import type { Logger } from '../core/common/logger';
import type { SettingsService } from './settingsService';
import type { ProjectService } from './project/projectService';
import type { DiagnosticsService } from './diagnostics/diagnosticsService';
import type { DomainSchemas } from '../core/validation/domain/domainSchema';

export interface Services {
  context: vscode.ExtensionContext;
  /** The one log (the VM Context output channel); also the core's Logger. */
  log: vscode.LogOutputChannel & Logger;
  settings: SettingsService;
  projects: ProjectService;
  diagnostics: DiagnosticsService;
  /** The domain schemas, created once at activation (the bundled one from the install folder). */
  schemas: DomainSchemas;
}
