// Typing in common/network changes the project's network at once (debounced), without a save:
// the ProjectService re-derives project.network from the editor's text and the diagnostics
// service re-checks every open file (templates' MAC/IP rules, common/routes' gateways).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { networkDocumentOf } from './documentKind';

const DEBOUNCE_MS = 250;

export function registerUnsavedNetwork(services: Services): void {
  const timers = new Map<string, NodeJS.Timeout>();
  const push = async (doc: vscode.TextDocument, closed: boolean) => {
    const found = await networkDocumentOf(services.projects, doc);
    if (found?.kind !== 'network') return;
    // Saved or reverted: the disk's text again, so a later change on disk is not hidden by it.
    services.projects.setNetworkText(found.project.root, closed || !doc.isDirty ? undefined : doc.getText());
  };
  const schedule = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        if (!doc.isClosed) void push(doc, false).catch((e) => services.logger.warn(`updating the network of ${doc.uri.fsPath}: ${e}`));
      }, DEBOUNCE_MS),
    );
  };
  services.context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) schedule(e.document);
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => void push(doc, false).catch(() => undefined)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      clearTimeout(timers.get(doc.uri.toString()));
      void push(doc, true).catch(() => undefined);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
}
