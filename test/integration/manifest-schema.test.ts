// vmcontext.json gets JSON-schema checks from the extension's jsonValidation contribution.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeExtension, projectUri, revertAndCloseAll, waitFor } from './helpers';

describe('vmcontext.json schema', () => {
  afterEach(revertAndCloseAll);

  it('the jsonValidation contribution points at a schema file the extension ships', async () => {
    const ext = await activeExtension();
    const contributions: { fileMatch: string | string[]; url: string }[] = ext.packageJSON.contributes.jsonValidation;
    const entry = contributions.find((c) => [c.fileMatch].flat().includes('vmcontext.json'));
    assert.ok(entry, 'no jsonValidation entry for vmcontext.json');
    const schema = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, entry.url), 'utf8'));
    assert.equal(schema.properties.isoLabel.type, 'string');
  });

  it('a wrong type in vmcontext.json (without $schema) gets a JSON diagnostic from the contributed schema', async () => {
    const uri = projectUri('vmcontext.json');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'json');
    const edit = new vscode.WorkspaceEdit();
    // No "$schema": only the jsonValidation contribution can tell that isoLabel must be a string.
    edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), '{\n  "contextDir": "context",\n  "isoLabel": 42\n}\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const d = await waitFor(
      'a JSON schema diagnostic on "isoLabel": 42',
      () => vscode.languages.getDiagnostics(uri).find((x) => x.source !== 'vm-context' && x.range.start.line === 2 && /string/i.test(x.message)),
      45_000, // the JSON language server starts on demand
    );
    assert.equal(d.range.start.character, 14);
  });
});
