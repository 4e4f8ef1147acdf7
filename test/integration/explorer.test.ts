// The VM Context explorer's tree data (the TreeDataProvider that activate() returns): the
// project's context files, VMs with their IPs, base image and build state, and how it follows
// a build and the diagnostics.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SummaryNode } from '../../src/core/project/summary';
import { activeExtension, projectRoot, projectUri, replaceInDocument, revertAndCloseAll, services, waitFor } from './helpers';

function child(node: SummaryNode | undefined, label: string): SummaryNode {
  assert.ok(node, `no parent node to find "${label}" in`);
  const found = node.children?.find((c) => c.label === label);
  assert.ok(found, `no "${label}" under "${node.label}": ${JSON.stringify(node.children?.map((c) => c.label))}`);
  return found;
}

async function projectNode(): Promise<SummaryNode> {
  const { explorer } = await services();
  const roots = await explorer.getChildren();
  assert.equal(roots.length, 1, `expected one project in the tree: ${JSON.stringify(roots.map((r) => r.label))}`);
  return roots[0];
}

describe('explorer', () => {
  before(activeExtension);
  afterEach(revertAndCloseAll);

  it('shows the project: context files with the subnet, the three VMs with their IPs, the base image', async () => {
    // The tree follows diagnostics with a short debounce: earlier tests' problems must be gone.
    const root = await waitFor('the project node without problems', async () => {
      const r = await projectNode();
      if (r.description) throw new Error(`project: ${r.description}`);
      return r;
    });
    assert.equal(root.label, path.basename(projectRoot()));
    assert.deepEqual(root.children?.map((c) => c.label), ['Context', 'Virtual machines', 'Base image', 'Build']);
    const context = child(root, 'Context');
    assert.equal(child(context, 'post-install').file, projectUri('context', 'post-install').fsPath);
    assert.match(child(context, 'common/network').description ?? '', /192\.168\.122\.0\/24/);
    child(context, 'common/routes');
    const vms = child(root, 'Virtual machines');
    assert.equal(vms.description, '3');
    for (const [vm, ip] of [['debian1', '192.168.122.17'], ['debian2', '192.168.122.18'], ['debian3', '192.168.122.19']]) {
      const node = child(vms, vm);
      assert.ok(node.description?.startsWith(ip), `${vm}: "${node.description}" does not start with ${ip}`);
      assert.equal(node.file, projectUri('templates', `${vm}.xml`).fsPath);
    }
    // A VM's item opens its template on click.
    const { explorer } = await services();
    const item = explorer.getTreeItem(child(vms, 'debian2'));
    assert.equal(item.command?.command, 'vscode.open');
    assert.equal((item.command?.arguments?.[0] as vscode.Uri).fsPath, projectUri('templates', 'debian2.xml').fsPath);
    assert.equal(item.contextValue, 'vmContext:vm:file');
    const base = child(child(root, 'Base image'), 'images/debian-base.raw');
    assert.match(base.description ?? '', /raw/);
  });

  it('"Build All" (the command) makes context.iso "up to date" and the overlays "3 of 3 built" in the tree', async () => {
    const result = await vscode.commands.executeCommand<{ ok: boolean }>('vmContext.build.all');
    assert.ok(result?.ok, `Build All failed: ${JSON.stringify(result)}`);
    assert.ok(fs.existsSync(projectUri('build', 'context.iso').fsPath), 'build/context.iso was not written');
    const iso = await waitFor('context.iso "up to date" in the tree', async () => {
      const n = child(child(await projectNode(), 'Build'), 'context.iso');
      if (!/^up to date/.test(n.description ?? '')) throw new Error(`context.iso: ${n.description}`);
      return n;
    });
    assert.match(iso.description ?? '', /CONTEXT/); // the volume label
    const overlays = child(child(await projectNode(), 'Build'), 'overlays');
    assert.equal(overlays.description, '3 of 3 built');
    assert.deepEqual(overlays.children?.map((c) => c.label), ['debian1.qcow2', 'debian2.qcow2', 'debian3.qcow2']);
  });

  it('a refresh that changes nothing is not announced; one that does is', async () => {
    // VS Code forgets the nodes of a refreshed tree until it fetches them again: a command picked
    // from a row's menu in that moment got no node (Show ISO Contents then asked which seed).
    const { explorer, projects } = await services();
    await explorer.refresh();
    let announced = 0;
    const listening = explorer.onDidChangeTreeData(() => announced++);
    const extra = projectUri('context', 'refresh-probe');
    try {
      await projects.reload(projectRoot());
      await explorer.refresh();
      await explorer.refresh();
      assert.equal(announced, 0, 'a refresh of an unchanged project was announced');
      fs.writeFileSync(extra.fsPath, 'probe\n');
      await projects.reload(projectRoot());
      await explorer.refresh();
      assert.ok(announced >= 1, 'a new file in context/ was not announced');
      assert.ok(child(child(await projectNode(), 'Context'), 'refresh-probe'));
    } finally {
      listening.dispose();
      fs.rmSync(extra.fsPath, { force: true });
      await projects.reload(projectRoot());
      await explorer.refresh();
    }
  });

  it('an error in an open template shows on its VM node and the project', async () => {
    const doc = await vscode.workspace.openTextDocument(projectUri('templates', 'debian3.xml'));
    await vscode.window.showTextDocument(doc);
    await replaceInDocument(doc, "bus='sata'", "bus='virtio'");
    const vm = await waitFor('debian3 with 1 error in the tree', async () => {
      const n = child(child(await projectNode(), 'Virtual machines'), 'debian3');
      if (!/1 error/.test(n.description ?? '')) throw new Error(`debian3: ${n.description}`);
      return n;
    });
    assert.equal(vm.tone, 'error');
    assert.match((await projectNode()).description ?? '', /1 error/);
    await revertAndCloseAll();
    await waitFor('debian3 without errors again', async () => {
      const description = child(child(await projectNode(), 'Virtual machines'), 'debian3').description ?? '';
      if (!/error/.test(description)) return true;
      throw new Error(`${description}; shown: ${JSON.stringify(vscode.languages.getDiagnostics(doc.uri).map((d) => d.message))}; dirty: ${doc.isDirty}`);
    });
  });
});
