// Diagnostics reach VS Code with the right code and range: as the user types in an open
// template, and through "Check Project" for a file that is not open.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activeExtension, diagnosticsWithCode, projectUri, rangeText, replaceInDocument, revertAndCloseAll, waitFor } from './helpers';

describe('diagnostics: templates', () => {
  before(activeExtension);
  afterEach(revertAndCloseAll);

  it('an open template that is not well-formed gets xml-malformed at the bad closing tag, cleared once fixed', async () => {
    const uri = projectUri('templates', 'debian1.xml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(diagnosticsWithCode(uri, 'xml-malformed').length, 0, 'the committed template is already broken');

    // `  <name>debian1</name>` is line 5 (0-based 4); `</nam>` puts "nam" at characters 17-20.
    await replaceInDocument(doc, '<name>debian1</name>', '<name>debian1</nam>');
    const [d] = await waitFor('xml-malformed on debian1.xml', () => {
      const ds = diagnosticsWithCode(uri, 'xml-malformed');
      return ds.length ? ds : undefined;
    });
    assert.equal(rangeText(d.range), '4:17-4:20');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.source, 'vm-context');
    assert.match(d.message, /<\/nam>/);

    await replaceInDocument(doc, '<name>debian1</nam>', '<name>debian1</name>');
    await waitFor('xml-malformed to clear after the fix', () => diagnosticsWithCode(uri, 'xml-malformed').length === 0);
  });

  it('"Check Project" reports a broken template that is not open', async () => {
    const uri = projectUri('templates', 'debian3.xml');
    const original = await vscode.workspace.fs.readFile(uri);
    try {
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'debian3.xml is open');
      const broken = Buffer.from(original).toString('utf8').replace('<name>debian3</name>', '<name>debian3</nam>');
      await vscode.workspace.fs.writeFile(uri, Buffer.from(broken, 'utf8'));
      const summary = await vscode.commands.executeCommand<{ errors: number }>('vmContext.project.check');
      assert.ok(summary && summary.errors >= 1, `Check Project counted no error: ${JSON.stringify(summary)}`);
      const [d] = diagnosticsWithCode(uri, 'xml-malformed');
      assert.ok(d, `no xml-malformed for the unopened ${uri.fsPath}: ${JSON.stringify(vscode.languages.getDiagnostics(uri))}`);
      assert.equal(rangeText(d.range), '4:17-4:20');
      assert.ok(!vscode.workspace.textDocuments.some((doc) => doc.uri.toString() === uri.toString() && !doc.isClosed), 'Check Project opened the file');
    } finally {
      await vscode.workspace.fs.writeFile(uri, original);
    }
    const summary = await vscode.commands.executeCommand<{ errors: number }>('vmContext.project.check');
    assert.equal(summary?.errors, 0);
    assert.equal(diagnosticsWithCode(uri, 'xml-malformed').length, 0, 'the diagnostic stayed after the file was repaired');
  });

  it('a file reported by Check Project loses its error once repaired on disk, without another check', async () => {
    const uri = projectUri('templates', 'debian2.xml');
    const original = await vscode.workspace.fs.readFile(uri);
    try {
      const broken = Buffer.from(original).toString('utf8').replace('<name>debian2</name>', '<name>debian2</nam>');
      await vscode.workspace.fs.writeFile(uri, Buffer.from(broken, 'utf8'));
      await vscode.commands.executeCommand('vmContext.project.check');
      assert.equal(diagnosticsWithCode(uri, 'xml-malformed').length, 1, 'Check Project did not report the broken file');
    } finally {
      await vscode.workspace.fs.writeFile(uri, original);
    }
    // The file watcher reloads the project, which re-checks the unopened files that show problems.
    await waitFor('xml-malformed to clear after the repair on disk', () => diagnosticsWithCode(uri, 'xml-malformed').length === 0);
  });
});
