// Turns the fixes the core attached to a diagnostic into VS Code quick fixes.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { toWorkspaceEdit } from '../convert';
import { DIAGNOSTIC_SOURCE } from '../constants';

export function registerQuickFixes(services: Services): void {
  const provider: vscode.CodeActionProvider = {
    provideCodeActions(document, _range, context) {
      const actions: vscode.CodeAction[] = [];
      for (const d of context.diagnostics) {
        if (d.source !== DIAGNOSTIC_SOURCE && !String(d.source ?? '').startsWith(DIAGNOSTIC_SOURCE)) continue;
        for (const fix of services.diagnostics.fixesFor(document.uri, d)) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.edit = toWorkspaceEdit(document.uri.fsPath, fix.edits);
          action.diagnostics = [d];
          action.isPreferred = fix.preferred;
          actions.push(action);
        }
      }
      return actions;
    },
  };
  services.context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, provider, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}
