// A core SummaryNode as a VS Code TreeItem: icon and colour from its tone, a click opens its
// file, and `contextValue` (`vmContext:<kind>[:<section>][:nocloud][:file]`) selects the menu actions.
import * as vscode from 'vscode';
import type { SummaryNode } from '../../core/project/summary';

const tones: Record<NonNullable<SummaryNode['tone']>, string> = {
  error: 'list.errorForeground',
  warning: 'list.warningForeground',
  ok: 'testing.iconPassed',
  muted: 'disabledForeground',
};

export function contextValueOf(node: SummaryNode): string {
  const parts = ['vmContext', node.kind];
  if (node.kind === 'section' && node.section) parts.push(node.section);
  if (node.nocloud) parts.push('nocloud');
  if (node.file) parts.push('file');
  return parts.join(':');
}

export function toTreeItem(node: SummaryNode): vscode.TreeItem {
  const collapsible = node.children?.length
    ? node.expanded
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed
    : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(node.label, collapsible);
  item.id = node.id;
  item.description = node.description;
  item.tooltip = node.tooltip;
  item.iconPath = new vscode.ThemeIcon(node.icon, node.tone ? new vscode.ThemeColor(tones[node.tone]) : undefined);
  item.contextValue = contextValueOf(node);
  // Files open on click; folders and binary images (ISO, qcow2, raw) are only revealed.
  const opens = node.file && (node.kind === 'contextFile' || node.kind === 'cloudInitFile' || node.kind === 'vm' || (node.kind === 'detail' && node.file.endsWith('.xml')));
  if (opens) {
    item.resourceUri = vscode.Uri.file(node.file!);
    item.command = { command: 'vscode.open', title: 'Open', arguments: [item.resourceUri] };
  }
  return item;
}
