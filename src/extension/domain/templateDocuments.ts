// Which open documents are domain templates: XML files whose root element is <domain>.
import type * as vscode from 'vscode';
import { sniffRootElement } from '../../core/project/template';

export const TEMPLATE_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/*.xml' }, { language: 'xml' }];

export function isDomainTemplate(doc: vscode.TextDocument): boolean {
  return sniffRootElement(doc.getText().slice(0, 4096)) === 'domain';
}
