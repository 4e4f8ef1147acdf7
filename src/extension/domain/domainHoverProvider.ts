// Hover in domain templates: schema documentation, and the IP a MAC encodes (core: hoverDomain).
import * as vscode from 'vscode';
import { hoverDomain } from '../../core/domain/domainHover';
import { toRange } from '../convert';
import type { Services } from '../services';
import { isDomainTemplate, TEMPLATE_SELECTOR } from './templateDocuments';

export function registerDomainHover(services: Services): void {
  services.context.subscriptions.push(
    vscode.languages.registerHoverProvider(TEMPLATE_SELECTOR, {
      async provideHover(doc, pos) {
        if (!isDomainTemplate(doc)) return undefined;
        const project = await services.projects.projectFor(doc.uri);
        const h = hoverDomain(doc.getText(), doc.offsetAt(pos), services.schemas.docs(), project);
        return h && new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(h.range));
      },
    }),
  );
}
