// package.json gives the network and routes languages to **/context/common/{network,routes};
// a project whose vmcontext.json names another context folder gets them here, by path. Each
// document is switched once, so a language the user picks afterwards sticks.
import * as vscode from 'vscode';
import { Languages } from '../constants';
import type { Services } from '../services';
import { networkDocumentOf } from './documentKind';

export function registerNetworkLanguages(services: Services): void {
  const switched = new Set<string>();
  const assign = async (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    if (switched.has(key)) return;
    const found = await networkDocumentOf(services.projects, doc);
    if (!found || doc.isClosed) return;
    const language = found.kind === 'network' ? Languages.network : Languages.routes;
    switched.add(key);
    if (doc.languageId !== language) await vscode.languages.setTextDocumentLanguage(doc, language);
  };
  const assignAll = () => {
    for (const doc of vscode.workspace.textDocuments) void assign(doc).catch((e) => services.log.warn(`setting the language of ${doc.uri.fsPath}: ${e}`));
  };
  services.context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((doc) => void assign(doc).catch(() => undefined)),
    vscode.workspace.onDidCloseTextDocument((doc) => switched.delete(doc.uri.toString())),
    services.projects.onDidChange(assignAll),
  );
  assignAll();
}
