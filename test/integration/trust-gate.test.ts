// Issue #12 in VS Code: Build (command and task) checks first and refuses a project with
// errors unless vmContext.build.allowErrors is set; the guest files' CRLF and BOM get quick fixes.
// Named to run after the other suites: it rewrites project files and settings.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activeExtension, openEditor, projectRoot, projectUri, services, quickFixesAt, replaceInDocument, revertAndCloseAll, waitFor, waitForDiagnostic, waitForNoDiagnostic } from './helpers';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('build gate and guest files', () => {
  before(activeExtension);
  afterEach(revertAndCloseAll);

  /** vmcontext.json with an isoLabel the manifest check refuses (an error; the build would fall back to CONTEXT). */
  async function breakManifest(): Promise<() => Promise<void>> {
    const file = projectUri('vmcontext.json').fsPath;
    const original = fs.readFileSync(file, 'utf8');
    // The file watcher reloads the project a moment later; reloading now keeps the test from racing it.
    const reload = async () => void (await (await services()).projects.reload(projectRoot()));
    fs.writeFileSync(file, original.replace('"isoLabel": "CONTEXT"', '"isoLabel": "no spaces allowed"'));
    await reload();
    return async () => {
      fs.writeFileSync(file, original);
      await reload();
    };
  }

  it('vmContext.build.allowErrors lets Build context.iso go ahead despite an error', async () => {
    const iso = projectUri('build', 'context.iso').fsPath;
    fs.rmSync(iso, { force: true });
    const config = vscode.workspace.getConfiguration('vmContext');
    const restore = await breakManifest();
    try {
      assert.equal(await vscode.commands.executeCommand('vmContext.build.iso'), undefined, 'the build ran despite the manifest error');
      await config.update('build.allowErrors', true, vscode.ConfigurationTarget.Workspace);
      await waitFor('the setting to reach the extension', () => vscode.workspace.getConfiguration('vmContext').get('build.allowErrors') === true || undefined);
      const built = await vscode.commands.executeCommand<{ ok: boolean }>('vmContext.build.iso');
      assert.ok(built?.ok, `the build with allowErrors failed: ${JSON.stringify(built)}`);
      assert.ok(fs.existsSync(iso), 'context.iso was not written with allowErrors');
    } finally {
      await config.update('build.allowErrors', undefined, vscode.ConfigurationTarget.Workspace);
      await restore();
    }
  });

  it('the "Build context.iso" task exits 1 on a project with an error on disk, 0 once repaired', async () => {
    const task = (await vscode.tasks.fetchTasks({ type: 'vmcontext' })).find((t) => t.name === 'Build context.iso');
    assert.ok(task, 'no "Build context.iso" task');
    const run = async () => {
      const ended = new Promise<number | undefined>((resolve) => {
        const sub = vscode.tasks.onDidEndTaskProcess((e) => {
          if (e.execution.task.name !== task.name) return;
          sub.dispose();
          resolve(e.exitCode);
        });
      });
      await vscode.tasks.executeTask(task);
      return ended;
    };
    const restore = await breakManifest();
    try {
      assert.equal(await run(), 1, 'the build task went ahead despite the error');
    } finally {
      await restore();
    }
    assert.equal(await run(), 0, 'the build task failed on the repaired example');
  });

  it('CRLF line endings in common/routes: guest-crlf, and its quick fix converts the document to LF', async () => {
    const uri = projectUri('context', 'common', 'routes');
    const original = fs.readFileSync(uri.fsPath);
    try {
      fs.writeFileSync(uri.fsPath, original.toString('utf8').replace(/\n/g, '\r\n'));
      const doc = await openEditor('context', 'common', 'routes');
      // A document left from an earlier test reloads from disk a moment later.
      await waitFor('common/routes loaded with CRLF line endings', () => doc.eol === vscode.EndOfLine.CRLF || undefined);
      const d = await waitForDiagnostic(uri, 'guest-crlf');
      const fix = (await quickFixesAt(uri, d)).find((f) => f.title === 'Convert line endings to LF');
      assert.ok(fix?.command, 'no "Convert line endings to LF" quick fix with a command');
      assert.equal(await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? [])), true);
      assert.equal(doc.eol, vscode.EndOfLine.LF);
      assert.ok(!doc.getText().includes('\r'));
      await waitForNoDiagnostic(uri, 'guest-crlf');
    } finally {
      await revertAndCloseAll();
      fs.writeFileSync(uri.fsPath, original);
    }
  });

  it('a BOM in common/routes: guest-bom, and its quick fix rewrites the file without it', async () => {
    const uri = projectUri('context', 'common', 'routes');
    const original = fs.readFileSync(uri.fsPath);
    try {
      fs.writeFileSync(uri.fsPath, Buffer.concat([BOM, original]));
      await openEditor('context', 'common', 'routes');
      const d = await waitForDiagnostic(uri, 'guest-bom', undefined, 20_000);
      const fix = (await quickFixesAt(uri, d)).find((f) => f.title === 'Remove the byte-order mark');
      assert.ok(fix?.command, 'no "Remove the byte-order mark" quick fix with a command');
      await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
      assert.deepEqual(fs.readFileSync(uri.fsPath), original);
      await waitForNoDiagnostic(uri, 'guest-bom', 20_000);
    } finally {
      fs.writeFileSync(uri.fsPath, original);
    }
  });

  // Last: its unsaved edit is reverted by afterEach, but the document lingers after its editor
  // closes, and a test changing that file on disk right after would race its reload.
  it('Build context.iso refuses a project with an unsaved error: nothing written, the error shown', async () => {
    const iso = projectUri('build', 'context.iso').fsPath;
    fs.rmSync(iso, { force: true });
    const network = projectUri('context', 'common', 'network');
    const doc = await openEditor('context', 'common', 'network');
    await replaceInDocument(doc, 'NETWORK=192.168.122.0', 'NETWORK = 192.168.122.0');
    const refused = await vscode.commands.executeCommand('vmContext.build.iso');
    assert.equal(refused, undefined, `the build ran: ${JSON.stringify(refused)}`);
    assert.equal(fs.existsSync(iso), false, 'context.iso was written despite the error');
    await waitForDiagnostic(network, 'network-syntax');
  });
});
