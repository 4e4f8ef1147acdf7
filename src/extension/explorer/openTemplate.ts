// "Open Template": a VM node's domain XML in an editor (also the tree's click action).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { targetFile } from '../project/pickProject';

export function registerOpenTemplateCommand(services: Services): void {
  registerCommand(services, Commands.openTemplate, async (arg) => {
    const file = targetFile(arg);
    if (!file) return;
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  });
}
