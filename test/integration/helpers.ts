// Shared by the integration tests: the extension under test, the example project copy the
// runner opened, and waiting for asynchronous results (diagnostics, events) with a deadline.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../src/extension/services';

export const EXTENSION_ID = 'vm-context.vm-context';

/** The extension, activated; its exports are the Services that activate() returns. */
export async function activeExtension(): Promise<vscode.Extension<Services>> {
  const ext = vscode.extensions.getExtension<Services>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
  await ext.activate();
  assert.ok(ext.isActive, 'the extension did not activate');
  return ext;
}

export async function services(): Promise<Services> {
  return (await activeExtension()).exports;
}

/** The opened folder: a throw-away copy of examples/snooze-cluster. */
export function projectRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  assert.ok(!folder.uri.fsPath.startsWith(path.resolve(__dirname, '../../..', 'examples')), 'tests must run on a copy of the example, never the committed one');
  return folder.uri.fsPath;
}

export function projectUri(...parts: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(projectRoot(), ...parts));
}

/** Polls `probe` until it returns a truthy value; fails with `what` and the last value seen. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function diagnosticsWithCode(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === code);
}

export function rangeText(r: vscode.Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

/** Replaces the first occurrence of `search` in an open document (not saved). */
export async function replaceInDocument(doc: vscode.TextDocument, search: string, replacement: string): Promise<void> {
  const offset = doc.getText().indexOf(search);
  assert.ok(offset >= 0, `${search} not found in ${doc.uri.fsPath}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + search.length)), replacement);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
}

/** Drops unsaved changes and closes every editor, so each test starts from the files on disk. */
export async function revertAndCloseAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
