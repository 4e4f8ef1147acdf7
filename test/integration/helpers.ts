// Shared by the integration tests: the extension under test, the example project copy the
// runner opened, and waiting for asynchronous results (diagnostics, events) with a deadline.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'vm-context.vm-context';

/** The extension, activated; its exports are what activate() returns (services and explorer). */
export async function activeExtension(): Promise<vscode.Extension<ExtensionApi>> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (extensionDevelopmentPath wrong?)`);
  await ext.activate();
  assert.ok(ext.isActive, 'the extension did not activate');
  return ext;
}

export async function services(): Promise<ExtensionApi> {
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

/** Opens a project file in an editor; resolves with its document. */
export async function openEditor(...parts: string[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(projectUri(...parts));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** Waits until `uri` has a diagnostic with `code` (and, if given, at `range`), and returns it. */
export function waitForDiagnostic(uri: vscode.Uri, code: string, range?: string, timeoutMs = 15_000): Promise<vscode.Diagnostic> {
  return waitFor(
    `${code}${range ? ` at ${range}` : ''} on ${path.basename(uri.fsPath)}`,
    () => {
      const found = diagnosticsWithCode(uri, code).find((d) => !range || rangeText(d.range) === range);
      if (found) return found;
      // Thrown, so a timeout says what there was instead.
      throw new Error(`diagnostics there: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => `${typeof d.code === 'object' ? d.code.value : d.code}@${rangeText(d.range)}`))}`);
    },
    timeoutMs,
  );
}

export function waitForNoDiagnostic(uri: vscode.Uri, code: string, timeoutMs = 15_000): Promise<true> {
  return waitFor(`${code} to clear on ${path.basename(uri.fsPath)}`, () => diagnosticsWithCode(uri, code).length === 0 || undefined, timeoutMs);
}

/** The quick fixes VS Code offers at a diagnostic (all providers, through the editor's command). */
export async function quickFixesAt(uri: vscode.Uri, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  // VS Code answers for a loaded document only ("Illegal argument" otherwise), as the Problems
  // panel loads it when a fix is asked there: a test of a file no earlier test opened failed alone.
  await vscode.workspace.openTextDocument(uri);
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
  return (all ?? []).filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

/** Applies the quick fix titled `title` for `d`; fails listing the titles offered when there is none. */
export async function applyQuickFix(uri: vscode.Uri, d: vscode.Diagnostic, title: string): Promise<vscode.CodeAction> {
  const fixes = await quickFixesAt(uri, d);
  const fix = fixes.find((f) => f.title === title);
  assert.ok(fix, `no quick fix "${title}" at ${rangeText(d.range)}; offered: ${JSON.stringify(fixes.map((f) => f.title))}`);
  assert.ok(fix.edit, `the quick fix "${title}" has no edit`);
  assert.ok(await vscode.workspace.applyEdit(fix.edit), `the edit of "${title}" was not applied`);
  return fix;
}

/** The text of line `line` (0-based) of the open document of `uri`. */
export function lineOf(uri: vscode.Uri, line: number): string {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  assert.ok(doc, `${uri.fsPath} is not open`);
  return doc.lineAt(line).text;
}

export function completionLabels(list: vscode.CompletionList | undefined): string[] {
  return (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

/** The tasks of type `vmcontext` the extension provides. */
export async function vmcontextTasks(): Promise<vscode.Task[]> {
  return vscode.tasks.fetchTasks({ type: 'vmcontext' });
}

/** Runs a task and resolves with its exit code (its pseudoterminal's). */
export async function runTask(task: vscode.Task, timeoutMs = 120_000): Promise<number | undefined> {
  const ended = new Promise<number | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`task "${task.name}" did not end within ${timeoutMs / 1000} s`)), timeoutMs);
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.name !== task.name) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e.exitCode);
    });
  });
  await vscode.tasks.executeTask(task);
  return ended;
}
