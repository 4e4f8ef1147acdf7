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
    services.projects.setNetworkText(found.project.root, closed ? undefined : doc.getText());
  };
  const schedule = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        if (!doc.isClosed) void push(doc, false).catch((e) => services.log.warn(`updating the network of ${doc.uri.fsPath}: ${e}`));
      }, DEBOUNCE_MS),
    );
  };
  services.context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      clearTimeout(timers.get(doc.uri.toString()));
      void push(doc, true).catch(() => undefined);
    }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
}
