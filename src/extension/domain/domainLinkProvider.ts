// Document links on template paths that exist in the project (core: domainLinks).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { domainLinks } from '../../core/domain/domainLinks';
import { toRange } from '../convert';
import type { Services } from '../services';
import { isDomainTemplate, TEMPLATE_SELECTOR } from './templateDocuments';

export function registerDomainLinks(services: Services): void {
  services.context.subscriptions.push(
    vscode.languages.registerDocumentLinkProvider(TEMPLATE_SELECTOR, {
      async provideDocumentLinks(doc) {
        if (!isDomainTemplate(doc)) return [];
        const project = await services.projects.projectFor(doc.uri);
        if (!project) return [];
        return domainLinks(doc.getText(), doc.uri.fsPath, project, existsSync).map((l) => new vscode.DocumentLink(toRange(l.range), vscode.Uri.file(l.target)));
      },
    }),
  );
}
