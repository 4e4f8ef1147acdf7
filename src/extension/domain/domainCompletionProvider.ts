// Completion of element names, attribute names and values in domain templates (core: completeDomain).
import * as vscode from 'vscode';
import { completeDomain } from '../../core/domain/domainCompletion';
import type { Services } from '../services';
import { isDomainTemplate, TEMPLATE_SELECTOR } from './templateDocuments';

const KINDS = { element: vscode.CompletionItemKind.Class, attribute: vscode.CompletionItemKind.Property, value: vscode.CompletionItemKind.EnumMember };

export function registerDomainCompletion(services: Services): void {
  const provider: vscode.CompletionItemProvider = {
    provideCompletionItems(doc, pos) {
      if (!isDomainTemplate(doc)) return [];
      const items = completeDomain(doc.getText(), doc.offsetAt(pos), services.settings.forResource(doc.uri), services.schemas);
      return items.map((c) => {
        const item = new vscode.CompletionItem(c.label, KINDS[c.kind]);
        item.insertText = c.kind === 'value' ? c.insertText : new vscode.SnippetString(c.insertText);
        item.range = new vscode.Range(doc.positionAt(c.replace.start), doc.positionAt(c.replace.end));
        if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
        return item;
      });
    },
  };
  services.context.subscriptions.push(vscode.languages.registerCompletionItemProvider(TEMPLATE_SELECTOR, provider, '<', ' ', '"', "'"));
}
