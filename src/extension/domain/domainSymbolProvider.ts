// The outline of a domain template: settings and devices (core: domainSymbols).
import * as vscode from 'vscode';
import { domainSymbols, type DomainSymbol } from '../../core/domain/domainSymbols';
import { toRange } from '../convert';
import type { Services } from '../services';
import { isDomainTemplate, TEMPLATE_SELECTOR } from './templateDocuments';

const KINDS: Record<DomainSymbol['kind'], vscode.SymbolKind> = {
  domain: vscode.SymbolKind.Module,
  setting: vscode.SymbolKind.Property,
  devices: vscode.SymbolKind.Namespace,
  device: vscode.SymbolKind.Object,
};

function toSymbol(s: DomainSymbol): vscode.DocumentSymbol {
  const out = new vscode.DocumentSymbol(s.name, s.detail, KINDS[s.kind], toRange(s.range), toRange(s.selectionRange));
  out.children = s.children.map(toSymbol);
  return out;
}

export function registerDomainSymbols(services: Services): void {
  services.context.subscriptions.push(
    vscode.languages.registerDocumentSymbolProvider(TEMPLATE_SELECTOR, {
      provideDocumentSymbols: (doc) => (isDomainTemplate(doc) ? domainSymbols(doc.getText()).map(toSymbol) : []),
    }),
  );
}
