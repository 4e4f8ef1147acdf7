// NoCloud seeds in a real VS Code (the nocloud session, a copy of examples/nocloud-cluster): the
// explorer shows each VM's seed as the build's plan judges it (not built, up to date, stale) and its label,
// Build Seeds and the "Build seeds" task write build/seeds/<vm>.iso, and Show ISO Contents lists
// a seed from its explorer node.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runTask, services, vmcontextTasks, waitFor } from '../helpers';
import type { SummaryNode } from '../../../src/core/project/summary';
import type { BuildResult } from '../../../src/core/build/buildPlan';
import type { ExtensionApi } from '../../../src/extension/extension';

let root = '';
let api: ExtensionApi;
const find = (n: SummaryNode, pred: (n: SummaryNode) => boolean): SummaryNode | undefined => (pred(n) ? n : n.children?.map((c) => find(c, pred)).find((x) => x));
const project = () => api.explorer.projects.find((p) => p.root === root);
const seedsNode = () => {
  const p = project();
  return p && find(p, (n) => n.kind === 'seeds');
};
/** The project's errors as the Problems panel has them (a refused build publishes its check's), and unsaved files. */
function errorsOfProject(): string {
  const errors = vscode.languages.getDiagnostics().filter(([u]) => u.fsPath.startsWith(root)).flatMap(([u, ds]) =>
    ds.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => `${path.relative(root, u.fsPath)}:${d.range.start.line + 1}: ${d.message}`));
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => d.uri.fsPath);
  return `${errors.join('; ') || 'no errors in the Problems panel'}; unsaved: ${dirty.join(', ') || 'none'}`;
}

/** [label, description] of each seed under Build › seeds, once the tree shows `expected`. */
async function seedsShow(what: string, expected: Array<[string, RegExp]>): Promise<SummaryNode> {
  return waitFor(what, () => {
    const node = seedsNode();
    const rows = node?.children?.map((c) => [c.label, c.description ?? ''] as const) ?? [];
    return rows.length === expected.length && expected.every(([label, re], i) => rows[i][0] === label && re.test(rows[i][1])) ? node : undefined;
  }, 30_000);
}

describe('NoCloud seeds: explorer, Build Seeds, the task, Show ISO Contents', () => {
  before(async function () {
    this.timeout(60_000);
    api = await services();
    const folder = vscode.workspace.workspaceFolders?.find((f) => path.basename(f.uri.fsPath) === 'nocloud-cluster');
    assert.ok(folder, 'the NoCloud example is not a folder of this workspace');
    root = folder.uri.fsPath;
    await waitFor('the NoCloud project in the explorer', () => project());
    // The earlier tests of this session edit files without saving and revert them: start once
    // their problems are gone, as the build's check would see them otherwise.
    await waitFor('no unsaved file and no error in the project', () => (/^no errors.*unsaved: none$/.test(errorsOfProject()) ? true : undefined), 30_000);
  });
  after(() => fs.rmSync(path.join(root, 'build'), { recursive: true, force: true }));

  it('Build Seeds writes one seed per VM; the explorer turns from not built to up to date, then a changed file makes that VM\'s seed stale', async function () {
    this.timeout(120_000);
    fs.rmSync(path.join(root, 'build'), { recursive: true, force: true });
    await vscode.commands.executeCommand('vmContext.explorer.refresh');
    const before = await seedsShow('both seeds "not built"', [['web1.iso', /^not built$/], ['web2.iso', /^not built$/]]);
    assert.equal(before.description, '0 of 2 built');

    const result = await vscode.commands.executeCommand<BuildResult | undefined>('vmContext.build.seeds', { root });
    assert.ok(result, `Build Seeds was refused: ${errorsOfProject()}`);
    assert.ok(result.ok, JSON.stringify(result.problems));
    assert.deepEqual(result.outcomes.map((o) => path.relative(root, o.output)).sort(), ['build/seeds/web1.iso', 'build/seeds/web2.iso']);
    for (const vm of ['web1', 'web2']) {
      const iso = path.join(root, 'build', 'seeds', `${vm}.iso`);
      // An ISO 9660 image labelled CIDATA: "CD001" and the volume id in the primary volume descriptor.
      const pvd = Buffer.alloc(72);
      const fd = fs.openSync(iso, 'r');
      fs.readSync(fd, pvd, 0, 72, 16 * 2048);
      fs.closeSync(fd);
      assert.equal(pvd.subarray(1, 6).toString('latin1'), 'CD001');
      assert.equal(pvd.subarray(40, 72).toString('latin1').trim(), 'CIDATA');
    }
    // The label each seed carries, read back from its primary volume descriptor.
    const built = await seedsShow('both seeds "up to date", labelled CIDATA', [['web1.iso', /^up to date · \d+ KiB · CIDATA$/], ['web2.iso', /^up to date · \d+ KiB · CIDATA$/]]);
    assert.equal(built.description, '2 of 2 built');
    const web1 = find(project()!, (n) => n.kind === 'vm' && n.label === 'web1')!;
    assert.match(web1.children!.find((c) => c.kind === 'seed')!.description!, /^up to date/);

    // web2 has its own network-config: editing it on disk makes web2's seed stale, web1's not.
    const file = path.join(root, 'cloud-init', 'web2', 'network-config');
    const original = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, original + '# changed\n');
      const stale = await seedsShow('web2.iso stale after its network-config changed', [['web1.iso', /^up to date/], ['web2.iso', /^stale/]]);
      assert.equal(stale.description, '2 of 2 built · 1 stale');
      assert.match(stale.children![1].tooltip!, /changed/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('the "Build seeds" task (the iso task of a NoCloud project) rebuilds the seeds', async function () {
    this.timeout(120_000);
    const tasks = await vmcontextTasks();
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['Build all', 'Build seeds', 'Check project', 'Create overlays']);
    const task = tasks.find((t) => t.name === 'Build seeds')!;
    assert.equal(task.definition.task, 'iso');
    fs.rmSync(path.join(root, 'build'), { recursive: true, force: true });
    assert.equal(await runTask(task), 0, `Build seeds exited with an error: ${errorsOfProject()}`);
    assert.ok(fs.existsSync(path.join(root, 'build', 'seeds', 'web1.iso')) && fs.existsSync(path.join(root, 'build', 'seeds', 'web2.iso')), 'the task wrote no seeds');
    assert.ok(!fs.existsSync(path.join(root, 'build', 'context.iso')), 'a NoCloud build wrote context.iso');
    await seedsShow('both seeds "up to date" after the task', [['web1.iso', /^up to date/], ['web2.iso', /^up to date/]]);
  });

  it('Show ISO Contents on a seed node lists what that VM\'s seed holds, under each name tree, and its label', async function () {
    this.timeout(60_000);
    const node = find(project()!, (n) => n.kind === 'seed' && n.label === 'web2.iso')!;
    assert.equal(node.vm, 'web2');
    const text = await vscode.commands.executeCommand<string>('vmContext.iso.showContents', node);
    assert.match(text, /^# nocloud-cluster\/build\/seeds\/web2\.iso \(cloud-init seed of web2\)$/m);
    assert.match(text, /Volume label: \*\*CIDATA\*\*\. 3 entries\./);
    // Rock Ridge, Joliet and 8.3 names of each file (the unit tests compare them with isoinfo's reading of the built seed).
    for (const [name, short] of [['user-data', 'USER_DAT.;1'], ['meta-data', 'META_DAT.;1'], ['network-config', 'NETWORK_.;1']]) {
      assert.match(text, new RegExp(`^\\| \`/${name}\` \\| \`/${name}\` \\| \`/${short.replace('.', '\\.').replace(';', ';')}\` \\|`, 'm'), `${name} row`);
    }
    assert.ok(!/post-install/.test(text), 'the Snooze context listed for a seed');
    // The tree offers it on seed nodes (the NoCloud menus key on :nocloud and the seed kind).
    const item = api.explorer.getTreeItem(node);
    assert.match(item.contextValue!, /^vmContext:seed(:|$)/);
    assert.match(api.explorer.getTreeItem(project()!).contextValue!, /^vmContext:project:nocloud/);
  });
});
