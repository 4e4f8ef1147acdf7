// Editor support of libvirt domain templates, registered in one call. Diagnostics come from
// the shared DiagnosticsService (the core's template validator); this adds the editing help.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { registerDomainCommands } from './domainCommands';
import { registerDomainCompletion } from './domainCompletionProvider';
import { registerDomainHover } from './domainHoverProvider';
import { registerDomainLinks } from './domainLinkProvider';
import { registerDomainSymbols } from './domainSymbolProvider';

export function registerDomainTemplates(services: Services): void {
  // A schema that cannot be compiled is said once (the core remembers the failure).
  services.context.subscriptions.push(
    services.schemas.onProblem((p) => {
      services.log.warn(`cannot use the schema ${p.path}${p.fallback ? ` (using ${p.fallback})` : ''}: ${p.message}`);
      void vscode.window.showWarningMessage(`VM Context: libvirt's schema ${p.path} cannot be used; templates are checked with the bundled schema. See the log.`);
    }),
  );
  registerDomainCompletion(services);
  registerDomainHover(services);
  registerDomainLinks(services);
  registerDomainSymbols(services);
  registerDomainCommands(services);
}
