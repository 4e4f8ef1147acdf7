// Core completion and hover data → VS Code objects.
import * as vscode from 'vscode';
import type { CompletionItem, CompletionKind, HoverInfo } from '../../core/network/assist';
import { toRange } from '../convert';

const kinds: Record<CompletionKind, vscode.CompletionItemKind> = {
  keyword: vscode.CompletionItemKind.Keyword,
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  snippet: vscode.CompletionItemKind.Snippet,
};

export function toCompletionItem(c: CompletionItem): vscode.CompletionItem {
  const item = new vscode.CompletionItem(c.label, kinds[c.kind]);
  item.detail = c.detail;
  if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
  item.insertText = c.snippet ? new vscode.SnippetString(c.insertText) : c.insertText;
  item.range = toRange(c.range);
  item.sortText = c.sortText;
  return item;
}

export function toHover(h: HoverInfo): vscode.Hover {
  return new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(h.range));
}
