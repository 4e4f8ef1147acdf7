// Every problem of the project reaches VS Code, open or not: a network change puts unopened
// templates in error, a duplicate MAC shows on both templates, and the "Move N VMs" fix moves
// them back. (fixtures/agreement.test.ts compares with `vmctx check` on every fixture project.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { activeExtension, applyQuickFix, openEditor, projectUri, replaceInDocument, revertAndCloseAll, waitFor, waitForDiagnostic, waitForNoDiagnostic } from './helpers';

const TEMPLATES = ['debian1.xml', 'debian2.xml', 'debian3.xml'];
const templateUris = () => TEMPLATES.map((t) => projectUri('templates', t));

/** Open in an editor tab (a document VS Code merely keeps loaded does not count). */
const isOpen = (uri: vscode.Uri) =>
  vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()));

/**
 * Runs `body` with `uri` rewritten on disk, then puts back every file of `restore` (and `uri`)
 * as it was, waiting until VS Code's loaded copies have caught up with the disk.
 */
async function withFileChanged(uri: vscode.Uri, change: (text: string) => string, body: () => Promise<void>, restore: vscode.Uri[] = []): Promise<void> {
  const originals = new Map<vscode.Uri, Uint8Array>();
  for (const u of [uri, ...restore]) originals.set(u, await vscode.workspace.fs.readFile(u));
  try {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(change(Buffer.from(originals.get(uri)!).toString('utf8')), 'utf8'));
    await body();
  } finally {
    await revertAndCloseAll();
    for (const [u, bytes] of originals) await vscode.workspace.fs.writeFile(u, bytes);
    for (const [u, bytes] of originals) {
      const text = Buffer.from(bytes).toString('utf8');
      await waitFor(`${u.fsPath} to be reloaded`, () => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString());
        return !doc || doc.getText() === text;
      });
    }
  }
}

describe('diagnostics: the whole project, files not open', () => {
  before(activeExtension);
  afterEach(revertAndCloseAll);

  it('common/network changed on disk: every unopened template gets domain-mac-ip-outside-network, cleared when it is restored', async () => {
    const network = projectUri('context', 'common', 'network');
    await withFileChanged(network, (t) => t.replace(/192\.168\.122\./g, '10.20.0.'), async () => {
      for (const t of TEMPLATES) {
        const uri = projectUri('templates', t);
        const d = await waitForDiagnostic(uri, 'domain-mac-ip-outside-network');
        assert.match(d.message, /outside the network 10\.20\.0\.0\/24/);
        assert.ok(!isOpen(uri), `${t} was opened`);
      }
    });
    for (const t of TEMPLATES) await waitForNoDiagnostic(projectUri('templates', t), 'domain-mac-ip-outside-network');
  });

  it('a named pipe in context/ and a folder named templates/*.xml reach the Problems panel as vmctx check says them; removing them clears them', async () => {
    const pipe = projectUri('context', 'odd-pipe');
    const folder = projectUri('templates', 'folder.xml');
    try {
      execFileSync('mkfifo', [pipe.fsPath]);
      mkdirSync(folder.fsPath);
      const special = await waitForDiagnostic(pipe, 'iso-special-file');
      assert.equal(special.message, 'is a named pipe; only files, folders and symbolic links go into the image; left out');
      const notFile = await waitForDiagnostic(folder, 'project-not-a-file');
      assert.equal(notFile.severity, vscode.DiagnosticSeverity.Error);
      assert.match(notFile.message, /^templates\/folder\.xml is not a file but a folder: /);
    } finally {
      rmSync(pipe.fsPath, { force: true });
      rmSync(folder.fsPath, { recursive: true, force: true });
    }
    await waitForNoDiagnostic(pipe, 'iso-special-file');
    await waitForNoDiagnostic(folder, 'project-not-a-file');
  });

  it('an unsaved edit of common/network reaches the unopened templates; reverting it clears them', async () => {
    const doc = await openEditor('context', 'common', 'network');
    await replaceInDocument(doc, 'NETWORK=192.168.122.0', 'NETWORK=10.20.0.0');
    const uri = projectUri('templates', 'debian2.xml');
    await waitForDiagnostic(uri, 'domain-mac-ip-outside-network');
    assert.ok(!isOpen(uri));
    await revertAndCloseAll();
    await waitForNoDiagnostic(uri, 'domain-mac-ip-outside-network');
  });

  it('a duplicate MAC written to one template shows on both, neither open', async () => {
    const t3 = projectUri('templates', 'debian3.xml');
    const t2 = projectUri('templates', 'debian2.xml');
    await withFileChanged(t3, (t) => t.replace("<mac address='00:16:c0:a8:7a:13'/>", "<mac address='00:16:c0:a8:7a:12'/>"), async () => {
      await waitForDiagnostic(t3, 'domain-mac-duplicate');
      await waitForDiagnostic(t2, 'domain-mac-duplicate');
      assert.ok(!isOpen(t2) && !isOpen(t3));
    });
    await waitForNoDiagnostic(t2, 'domain-mac-duplicate');
    await waitForNoDiagnostic(t3, 'domain-mac-duplicate');
  });

  it('"Move 3 VMs into 10.20.0.0/24" gives every VM left outside a free address of the new network, in one edit', async () => {
    const network = projectUri('context', 'common', 'network');
    await withFileChanged(network, (t) => t.replace(/192\.168\.122\./g, '10.20.0.'), async () => {
      const uri = projectUri('templates', 'debian1.xml');
      const d = await waitForDiagnostic(uri, 'domain-mac-ip-outside-network');
      for (const t of TEMPLATES) await waitForDiagnostic(projectUri('templates', t), 'domain-mac-ip-outside-network');
      await applyQuickFix(uri, d, 'Move 3 VMs into 10.20.0.0/24');
      // .1 is the gateway and name server: the three VMs get .2, .3, .4.
      const macs = TEMPLATES.map((t) => {
        const doc = vscode.workspace.textDocuments.find((x) => x.uri.fsPath === projectUri('templates', t).fsPath);
        return /<mac address='([^']+)'/.exec(doc?.getText() ?? '')?.[1];
      });
      assert.deepEqual(macs, ['00:16:0a:14:00:02', '00:16:0a:14:00:03', '00:16:0a:14:00:04']);
      for (const t of TEMPLATES) await waitForNoDiagnostic(projectUri('templates', t), 'domain-mac-ip-outside-network');
      // VS Code may save refactored files that were not open (files.refactoring.autoSave): restored below.
    }, templateUris());
  });
});
