// "Reveal in File Explorer" on a tree node: the workbench Explorer for workspace files, the
// system file manager otherwise.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { targetFile } from '../project/pickProject';

export function registerRevealFileCommand(services: Services): void {
  registerCommand(services, Commands.revealFile, async (arg) => {
    const file = targetFile(arg) ?? (arg && typeof arg === 'object' && 'root' in arg ? String((arg as { root: string }).root) : undefined);
    if (!file) return;
    const uri = vscode.Uri.file(file);
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  });
}
