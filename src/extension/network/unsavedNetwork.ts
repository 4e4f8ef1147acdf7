// Typing in common/network changes the project's network at once (debounced), without a save:
// the ProjectService re-derives project.network from the editor's text and the diagnostics
// service re-checks every open file (templates' MAC/IP rules, common/routes' gateways).
import * as vscode from 'vscode';
import type { Services } from '../services';
import { networkDocumentOf } from './documentKind';
import { KeyedDebounce } from '../keyedDebounce';

const DEBOUNCE_MS = 250;

export function registerUnsavedNetwork(services: Services): void {
  const debounce = new KeyedDebounce(DEBOUNCE_MS);
  const push = async (doc: vscode.TextDocument, closed: boolean) => {
    const found = await networkDocumentOf(services.projects, doc);
    if (found?.kind !== 'network') return;
    // Saved or reverted: the disk's text again, so a later change on disk is not hidden by it.
    services.projects.setNetworkText(found.project.root, closed || !doc.isDirty ? undefined : doc.getText());
  };
  const schedule = (doc: vscode.TextDocument) =>
    debounce.schedule(doc.uri.toString(), () => {
      if (!doc.isClosed) void push(doc, false).catch((e) => services.log.warn(`updating the network of ${doc.uri.fsPath}: ${e}`));
    });
  services.context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) schedule(e.document);
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => void push(doc, false).catch(() => undefined)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      debounce.cancel(doc.uri.toString());
      void push(doc, true).catch(() => undefined);
    }),
    debounce,
  );
}
