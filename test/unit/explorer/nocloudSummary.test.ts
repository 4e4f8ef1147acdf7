// The explorer's content for a NoCloud project: its cloud-init files (shared and per-VM) in
// place of the Snooze context, each VM's seed, and no context.iso or post-install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { seedPath } from '../../../src/core/project/project';
import { readSeedStatus } from '../../../src/core/build/seedStatus';
import { summarizeProject, type SummaryNode } from '../../../src/core/project/summary';
import { exampleProject, remove, repoRoot, tempDir } from '../helpers/tempProject';

const nocloudExample = path.join(repoRoot, 'examples/nocloud-cluster');
const find = (n: SummaryNode, id: string): SummaryNode | undefined => (n.id === id ? n : n.children?.map((c) => find(c, id)).find((x) => x));
const labels = (n: SummaryNode | undefined) => n?.children?.map((c) => [c.label, c.description]);

function copy(): string {
  const dir = tempDir();
  cpSync(nocloudExample, dir, { recursive: true, filter: (src) => !/[\\/]build$/.test(src) });
  return dir;
}

test('a NoCloud project shows its cloud-init files, a seed per VM, and nothing of Snooze', async () => {
  const dir = copy();
  try {
    const project = await loadProject(nodeFileSystem, dir);
    const seeds = await readSeedStatus(nodeFileSystem, project);
    assert.deepEqual(seeds.map((s) => [s.vm, path.relative(dir, s.output), s.size]), [
      ['web1', 'build/seeds/web1.iso', undefined],
      ['web2', 'build/seeds/web2.iso', undefined],
    ]);
    const webUserData = path.join(dir, 'cloud-init/user-data');
    const tree = summarizeProject(project, undefined, (f) => (f === webUserData ? { errors: 1, warnings: 0 } : { errors: 0, warnings: 0 }), undefined, seeds);
    assert.deepEqual(tree.children!.map((c) => c.label), ['Cloud-init', 'Virtual machines', 'Base image', 'Build']);
    const cloudInit = tree.children![0];
    assert.equal(cloudInit.section, 'cloudInit');
    assert.equal(cloudInit.description, '1 error');
    assert.equal(tree.description, '1 error');
    // web2 has its own network-config; web1 gets one made from the manifest.
    assert.deepEqual(labels(cloudInit), [
      ['user-data', 'every VM · 1 error'],
      ['web1/meta-data', undefined],
      ['web2/network-config', undefined],
      ['web2/meta-data', undefined],
      ['network-config', 'generated from vmcontext.json · 192.168.122.0/24'],
    ]);
    assert.equal(cloudInit.children![0].kind, 'cloudInitFile');
    assert.equal(cloudInit.children![0].file, webUserData);
    assert.equal(cloudInit.children![0].icon, 'error');
    const text = JSON.stringify(tree);
    assert.ok(!/post-install|common\/network|context\.iso/.test(text), 'Snooze-only items in a NoCloud tree');

    const web1 = find(tree, `${tree.root}#vm:${path.join(dir, 'templates/web1.xml')}`)!;
    const seed = web1.children!.find((c) => c.kind === 'seed')!;
    assert.deepEqual([seed.label, seed.description, seed.file], ['web1.iso', 'no seed', undefined]);
    assert.deepEqual(labels(find(tree, `${dir}#seeds`)), [
      ['web1.iso', 'no seed'],
      ['web2.iso', 'no seed'],
    ]);
    assert.equal(find(tree, `${dir}#seeds`)!.description, '0 of 2 built');
  } finally {
    remove(dir);
  }
});

test('a built seed shows as there with its size; a folder where the seed should be does not', async () => {
  const dir = copy();
  try {
    const project = await loadProject(nodeFileSystem, dir);
    mkdirSync(path.dirname(seedPath(project, 'web1')), { recursive: true });
    writeFileSync(seedPath(project, 'web1'), Buffer.alloc(2048));
    mkdirSync(seedPath(project, 'web2'));
    const seeds = await readSeedStatus(nodeFileSystem, project);
    assert.deepEqual(seeds.map((s) => s.size), [2048, undefined]);
    const tree = summarizeProject(project, undefined, undefined, undefined, seeds);
    const node = find(tree, `${dir}#seeds`)!;
    assert.equal(node.description, '1 of 2 built');
    assert.deepEqual(labels(node), [
      ['web1.iso', 'seed · 2 KiB'],
      ['web2.iso', 'no seed'],
    ]);
    assert.equal(node.children![0].file, seedPath(project, 'web1'));
  } finally {
    remove(dir);
  }
});

test('a NoCloud project without user-data, with a stray file and a VM folder for no VM, says so', async () => {
  const dir = copy();
  try {
    renameSync(path.join(dir, 'cloud-init/user-data'), path.join(dir, 'cloud-init/user-data.yaml'));
    renameSync(path.join(dir, 'cloud-init/web2'), path.join(dir, 'cloud-init/web3'));
    const project = await loadProject(nodeFileSystem, dir);
    const tree = summarizeProject(project, undefined, undefined, undefined, await readSeedStatus(nodeFileSystem, project));
    assert.deepEqual(labels(tree.children![0]), [
      ['user-data is missing', 'cloud-init configures nothing without it'],
      ['web1/meta-data', undefined],
      ['web3/network-config', 'no such VM'],
      ['web3/meta-data', 'no such VM'],
      ['user-data.yaml', 'not a seed file'],
      ['network-config', 'generated from vmcontext.json · 192.168.122.0/24'],
    ]);
  } finally {
    remove(dir);
  }
});

test('a Snooze project has no seeds', async () => {
  const project = await loadProject(nodeFileSystem, exampleProject);
  assert.deepEqual(await readSeedStatus(nodeFileSystem, project), []);
  assert.equal(summarizeProject(project, undefined).children![0].label, 'Context');
});
