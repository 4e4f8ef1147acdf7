// Every problem of the project reaches VS Code, open or not: a network change puts unopened
// templates in error, a duplicate MAC shows on both templates, the "Move N VMs" fix moves them
// back, and with no file open VS Code shows exactly what `vmctx check --format json` prints.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  activeExtension,
  applyQuickFix,
  openEditor,
  projectRoot,
  projectUri,
  replaceInDocument,
  revertAndCloseAll,
  services,
  waitFor,
  waitForDiagnostic,
  waitForNoDiagnostic,
} from './helpers';

const TEMPLATES = ['debian1.xml', 'debian2.xml', 'debian3.xml'];
const isOpen = (uri: vscode.Uri) => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && !d.isClosed);

async function withFileChanged(uri: vscode.Uri, change: (text: string) => string, body: () => Promise<void>): Promise<void> {
  const original = await vscode.workspace.fs.readFile(uri);
  try {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(change(Buffer.from(original).toString('utf8')), 'utf8'));
    await body();
  } finally {
    await vscode.workspace.fs.writeFile(uri, original);
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
    });
  });
});

describe('diagnostics: VS Code agrees with vmctx check', () => {
  const added: string[] = [];
  let base: string | undefined;

  before(activeExtension);
  after(async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const first = folders.findIndex((f) => added.includes(f.uri.fsPath));
    if (first > 0) vscode.workspace.updateWorkspaceFolders(first, folders.length - first);
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('with no file open, every fixture project shows exactly what `vmctx check --format json` prints', async () => {
    await revertAndCloseAll();
    const ext = await activeExtension();
    const cli = path.join(ext.extensionPath, 'dist', 'cli.js');
    const fixtures = path.join(ext.extensionPath, 'test', 'fixtures', 'projects');
    base = mkdtempSync(path.join(tmpdir(), 'vmctx-fixtures-'));
    const names = readdirSync(fixtures, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    assert.ok(names.length >= 3, `only ${names.length} fixture projects in ${fixtures}`);
    for (const name of names) {
      cpSync(path.join(fixtures, name), path.join(base, name), { recursive: true });
      added.push(path.join(base, name));
    }
    const changed = new Promise((resolve) => {
      const sub = vscode.workspace.onDidChangeWorkspaceFolders(() => {
        sub.dispose();
        resolve(undefined);
      });
    });
    // Added after the first folder: VS Code keeps the extension host running.
    const start = vscode.workspace.workspaceFolders?.length ?? 0;
    assert.ok(vscode.workspace.updateWorkspaceFolders(start, 0, ...added.map((p) => ({ uri: vscode.Uri.file(p) }))), 'the fixture folders were not added');
    await changed;

    const api = await services();
    for (const dir of [projectRoot(), ...added]) {
      const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', dir], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
      assert.ok(r.status === 0 || r.status === 1, `vmctx check ${dir} exited ${r.status}: ${r.stderr}`);
      const expected = (JSON.parse(r.stdout) as { diagnostics: unknown[] }).diagnostics.map((d) => JSON.stringify(d)).sort();
      if (dir !== projectRoot()) assert.ok(expected.length > 0, `${path.basename(dir)}: vmctx check found nothing to compare`);
      let shown: string[] = [];
      await waitFor(
        `the diagnostics of ${path.basename(dir)} to equal vmctx check's`,
        async () => {
          await api.diagnostics.idle();
          shown = shownDiagnostics(dir);
          if (JSON.stringify(shown) === JSON.stringify(expected)) return true;
          throw new Error(`VS Code shows ${shown.length}, vmctx check ${expected.length}; only in VS Code: ${JSON.stringify(shown.filter((s) => !expected.includes(s)).slice(0, 3))}; only in check: ${JSON.stringify(expected.filter((s) => !shown.includes(s)).slice(0, 3))}`);
        },
        30_000,
      );
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'file' && d.uri.fsPath.startsWith(dir + path.sep)), 'a file was opened');
    }
  });
});

const severities: Record<number, string> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/** What VS Code shows for the files under `dir`, in `vmctx check --format json`'s shape. */
function shownDiagnostics(dir: string): string[] {
  const out: string[] = [];
  for (const [uri, ds] of vscode.languages.getDiagnostics()) {
    if (uri.scheme !== 'file' || !(uri.fsPath === dir || uri.fsPath.startsWith(dir + path.sep))) continue;
    const file = path.relative(dir, uri.fsPath).split(path.sep).join('/') || '.';
    for (const d of ds) {
      out.push(
        JSON.stringify({
          file,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          endLine: d.range.end.line + 1,
          endColumn: d.range.end.character + 1,
          severity: severities[d.severity],
          code: typeof d.code === 'object' ? d.code.value : d.code,
          message: d.message,
        }),
      );
    }
  }
  return out.sort();
}
