// A cloud-init NoCloud project in a real VS Code: the nocloud session opens a copy of
// examples/nocloud-cluster; diagnostics of its user-data as the user types (at their line, with
// the header quick fix), completion and hover from cloud-init's schema, and its explorer items.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { applyQuickFix, completionLabels, diagnosticsWithCode, lineOf, rangeText, replaceInDocument, revertAndCloseAll, services, waitFor, waitForDiagnostic } from '../helpers';
import type { SummaryNode } from '../../../src/core/project/summary';

const example = path.resolve(__dirname, '../../../..', 'examples/nocloud-cluster');
let root = '';
const uri = (...parts: string[]) => vscode.Uri.file(path.join(root, ...parts));
const find = (n: SummaryNode, pred: (n: SummaryNode) => boolean): SummaryNode | undefined => (pred(n) ? n : n.children?.map((c) => find(c, pred)).find((x) => x));

async function open(...parts: string[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri(...parts));
  await vscode.window.showTextDocument(doc);
  return doc;
}

describe('cloud-init NoCloud project', () => {
  before(async function () {
    this.timeout(60_000);
    const api = await services();
    const folder = vscode.workspace.workspaceFolders?.find((f) => path.basename(f.uri.fsPath) === 'nocloud-cluster');
    assert.ok(folder, 'the NoCloud example is not a folder of this workspace');
    root = folder.uri.fsPath;
    assert.notEqual(root, example, 'tests must run on a copy of the example');
    await waitFor('the NoCloud project to be discovered', async () => (await api.projects.projectRoots()).includes(root), 30_000);
  });
  afterEach(revertAndCloseAll);
  it('user-data: a misspelt header and an unknown key appear at their lines as the user types; the header quick fix repairs it', async () => {
    const file = uri('cloud-init', 'user-data');
    const doc = await open('cloud-init', 'user-data');
    await waitFor('the committed user-data to be clean', () => vscode.languages.getDiagnostics(file).length === 0 || undefined);

    // Line 12 (0-based 11) is `ssh_pwauth: false`.
    await replaceInDocument(doc, 'ssh_pwauth: false', 'ssh_pwauht: false');
    const unknown = await waitForDiagnostic(file, 'cloudinit-schema-unknown-key');
    assert.equal(unknown.range.start.line, 11, rangeText(unknown.range));
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.match(unknown.message, /ssh_pwauth/, 'no "did you mean ssh_pwauth"');

    await replaceInDocument(doc, '#cloud-config', '#cloud-confg');
    const header = await waitForDiagnostic(file, 'cloudinit-userdata-header', '0:0-0:12');
    assert.match(header.message, /did you mean '#cloud-config'/);
    await applyQuickFix(file, header, 'Replace with #cloud-config');
    assert.equal(lineOf(file, 0), '#cloud-config');
    await waitFor('the header error to clear after the fix', () => diagnosticsWithCode(file, 'cloudinit-userdata-header').length === 0 || undefined);
    assert.equal(diagnosticsWithCode(file, 'cloudinit-schema-unknown-key').length, 1, 'the unknown key went away with the header fix');
  });

  it('network-config: an address outside the manifest network is reported at its line', async () => {
    const file = uri('cloud-init', 'web2', 'network-config');
    const doc = await open('cloud-init', 'web2', 'network-config');
    await replaceInDocument(doc, 'addresses: [192.168.122.21/24]', 'addresses: [10.9.9.9/24]');
    await waitFor('a diagnostic at the address line (0-based 7)', () => vscode.languages.getDiagnostics(file).find((d) => d.range.start.line === 7 && d.severity === vscode.DiagnosticSeverity.Error));
  });

  it('user-data: completion offers cloud-config keys and the header; hover documents a key', async () => {
    const doc = await open('cloud-init', 'user-data');
    // `timezone: Etc/UTC` is the last line (0-based 22); leave `timez` and complete after it.
    await replaceInDocument(doc, 'timezone: Etc/UTC', 'timez');
    const end = new vscode.Position(22, 5);
    const keys = completionLabels(await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, end));
    assert.ok(keys.includes('timezone'), `timezone not offered: ${JSON.stringify(keys.slice(0, 30))}`);
    assert.ok(!keys.includes('packages'), 'a key the file already sets is offered again');
    const headers = completionLabels(await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, 1)));
    assert.ok(headers.includes('#cloud-config') && headers.includes('#!'), `headers: ${JSON.stringify(headers)}`);

    // Line 13 (0-based) is `packages:`.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(13, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*packages\*\*/, `hover: ${text}`);
    assert.equal(rangeText(hovers.find((h) => h.range)!.range!), '13:0-13:8');
  });

  it('the explorer shows the cloud-init files, each VM with its seed, and no Snooze items', async () => {
    const api = await services();
    const project = await waitFor('the NoCloud project in the explorer', () => api.explorer.projects.find((p) => p.root === root));
    assert.deepEqual(project.children!.map((c) => c.label), ['Cloud-init', 'Virtual machines', 'Base image', 'Build']);
    assert.deepEqual(project.children![0].children!.map((c) => c.label), ['user-data', 'web1/meta-data', 'web2/network-config', 'web2/meta-data', 'network-config']);
    const web1 = find(project, (n) => n.kind === 'vm' && n.label === 'web1')!;
    assert.equal(web1.description?.split(' · ')[0], '192.168.122.20');
    const seed = web1.children!.find((c) => c.kind === 'seed');
    assert.deepEqual([seed?.label, seed?.description], ['web1.iso', 'not built']);
    assert.ok(!find(project, (n) => /post-install|common\/network|context\.iso/.test(n.label)), 'Snooze-only items in a NoCloud project');
    // A click on a cloud-init file opens it.
    const item = api.explorer.getTreeItem(project.children![0].children![0]);
    assert.equal(item.command?.command, 'vscode.open');
    assert.equal((item.command?.arguments?.[0] as vscode.Uri).fsPath, path.join(root, 'cloud-init', 'user-data'));
  });
});
