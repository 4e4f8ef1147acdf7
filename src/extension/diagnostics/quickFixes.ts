// Turns the fixes the core attached to a diagnostic into VS Code quick fixes.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { toWorkspaceEdit } from '../convert';
import { Commands, DIAGNOSTIC_SOURCE } from '../constants';
import { registerCommand } from '../commands';
import { hasUtf8Bom } from '../../core/common/utf8';
import type { Fix } from '../../core/common/diagnostic';

export function registerQuickFixes(services: Services): void {
  const provider: vscode.CodeActionProvider = {
    provideCodeActions(document, _range, context) {
      const actions: vscode.CodeAction[] = [];
      for (const d of context.diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE && !String(d.source ?? '').startsWith(DIAGNOSTIC_SOURCE)) continue;
        for (const fix of services.diagnostics.fixesFor(document.uri, d)) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          // Line endings and a BOM are not text: a command applies them (an edit's EOL change
          // does not survive the trip through code-action providers, and a BOM is in no text).
          if (fix.lineEndings || fix.removeBom) action.command = { command: Commands.fixFile, title: fix.title, arguments: [document.uri, fix] };
          else action.edit = toWorkspaceEdit(document.uri.fsPath, fix.edits);
          action.diagnostics = [d];
          action.isPreferred = fix.preferred;
          actions.push(action);
        }
      }
      return actions;
    },
  };
  registerCommand(services, Commands.fixFile, async (uri: unknown, fix: unknown) => {
    if (!(uri instanceof vscode.Uri) || !fix || typeof fix !== 'object') return false;
    const f = fix as Fix;
    if (f.edits?.length || f.lineEndings) {
      if (!(await vscode.workspace.applyEdit(toWorkspaceEdit(uri.fsPath, f.edits ?? [], f.lineEndings)))) return false;
    }
    return f.removeBom ? removeBom(services, uri) : true;
  });
  services.context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, provider, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}

/** Rewrites the file without its UTF-8 byte-order mark (saving unsaved edits first). True when one was removed. */
async function removeBom(services: Services, uri: vscode.Uri): Promise<boolean> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty && !(await doc.save())) return false;
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (!hasUtf8Bom(bytes)) return false;
  await vscode.workspace.fs.writeFile(uri, bytes.subarray(3));
  services.log.info(`removed the byte-order mark of ${uri.fsPath}`);
  const root = (await services.projects.projectFor(uri))?.root;
  if (root) await services.projects.reload(root);
  return true;
}
