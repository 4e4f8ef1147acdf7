// The explorer's content for a NoCloud project: its cloud-init files (shared and per-VM) in
// place of the Snooze context, each VM's seed as the build's plan judges it (not built, up to
// date, stale), and no context.iso or post-install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { formatBytes } from '../../../src/core/common/bytes';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { seedPath } from '../../../src/core/project/project';
import { readBuildStatus } from '../../../src/core/build/buildStatus';
import { build } from '../../../src/core/build/buildEngine';
import { buildInputsFromProject } from '../../../src/core/build/buildInputs';
import { seedListingMarkdown } from '../../../src/core/build/isoListing';
import { tool, toolBytes } from '../image/helpers';
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
    const status = await readBuildStatus(project);
    assert.deepEqual(status.seeds!.map((s) => [s.vm, path.relative(dir, s.output), s.status.state]), [
      ['web1', 'build/seeds/web1.iso', 'missing'],
      ['web2', 'build/seeds/web2.iso', 'missing'],
    ]);
    assert.equal(status.iso, undefined, 'a NoCloud plan has no context.iso');
    const webUserData = path.join(dir, 'cloud-init/user-data');
    const tree = summarizeProject(project, status, (f) => (f === webUserData ? { errors: 1, warnings: 0 } : { errors: 0, warnings: 0 }));
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
    assert.deepEqual([seed.label, seed.description, seed.file, seed.vm], ['web1.iso', 'not built', undefined, 'web1']);
    assert.deepEqual(labels(find(tree, `${dir}#seeds`)), [
      ['web1.iso', 'not built'],
      ['web2.iso', 'not built'],
    ]);
    assert.equal(find(tree, `${dir}#seeds`)!.description, '0 of 2 built');
  } finally {
    remove(dir);
  }
});

test('seeds follow the build: up to date with their size after a build, stale once a file they are made from changes', async () => {
  const dir = copy();
  try {
    let project = await loadProject(nodeFileSystem, dir);
    const built = await build(buildInputsFromProject(project), { only: 'iso' });
    assert.ok(built.ok, JSON.stringify(built.problems));
    assert.deepEqual(built.outcomes.map((o) => path.relative(dir, o.output)), ['build/seeds/web1.iso', 'build/seeds/web2.iso']);
    const size = (vm: string) => formatBytes(statSync(seedPath(project, vm)).size);
    let tree = summarizeProject(project, await readBuildStatus(project));
    let node = find(tree, `${dir}#seeds`)!;
    assert.equal(node.description, '2 of 2 built');
    assert.equal(node.tone, 'ok');
    assert.deepEqual(labels(node), [
      ['web1.iso', `up to date · ${size('web1')} · CIDATA`],
      ['web2.iso', `up to date · ${size('web2')} · CIDATA`],
    ]);
    assert.equal(node.children![0].file, seedPath(project, 'web1'));
    assert.equal(node.children![0].icon, 'target');

    // web2 has its own network-config: changing it makes web2's seed stale, not web1's.
    appendFileSync(path.join(dir, 'cloud-init/web2/network-config'), '# changed\n');
    project = await loadProject(nodeFileSystem, dir);
    tree = summarizeProject(project, await readBuildStatus(project));
    node = find(tree, `${dir}#seeds`)!;
    assert.equal(node.description, '2 of 2 built · 1 stale');
    assert.equal(node.tone, 'warning');
    assert.deepEqual(labels(node), [
      ['web1.iso', `up to date · ${size('web1')} · CIDATA`],
      ['web2.iso', `stale · ${size('web2')} · CIDATA`],
    ]);
    assert.match(node.children![1].tooltip!, /the context or the options changed/);
    // The same decision as the build's: it rewrites web2's seed only.
    const again = await build(buildInputsFromProject(project), { only: 'iso' });
    assert.deepEqual(again.outcomes.map((o) => path.basename(o.output)), ['web2.iso']);
  } finally {
    remove(dir);
  }
});

test('a seed shows the label read back from it; one cloud-init would not read (another label, not an ISO) is a warning', async () => {
  const dir = copy();
  try {
    // A seed built with another label (the check flags cloudinit-iso-label; a build with
    // --allow-errors, or an older build, still writes it).
    const manifestFile = path.join(dir, 'vmcontext.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, isoLabel: 'cidata2' }, null, 2));
    let project = await loadProject(nodeFileSystem, dir);
    assert.ok((await build(buildInputsFromProject(project), { only: 'iso' })).ok);
    assert.equal(tool('isoinfo', ['-d', '-i', seedPath(project, 'web1')]).match(/^Volume id: (.*)$/m)?.[1], 'cidata2', 'isoinfo reads the same label');
    const status = await readBuildStatus(project);
    assert.deepEqual(status.seeds!.map((s) => [s.vm, s.status.state, s.status.label]), [
      ['web1', 'fresh', 'cidata2'],
      ['web2', 'fresh', 'cidata2'],
    ]);
    // web2's seed is not an ISO image at all.
    writeFileSync(seedPath(project, 'web2'), Buffer.alloc(40_000, 0x41));
    const tree = summarizeProject(project, await readBuildStatus(project));
    const node = find(tree, `${dir}#seeds`)!;
    const size = (vm: string) => formatBytes(statSync(seedPath(project, vm)).size);
    assert.deepEqual(labels(node), [
      ['web1.iso', `up to date · ${size('web1')} · label "cidata2": cloud-init reads only CIDATA`],
      ['web2.iso', `stale · ${size('web2')} · no ISO 9660 label: cloud-init would not find it`],
    ]);
    assert.deepEqual(node.children!.map((c) => [c.icon, c.tone]), [['warning', 'warning'], ['warning', 'warning']]);
    assert.equal(node.description, '2 of 2 built · 1 stale · 2 not read by cloud-init');
    assert.equal(node.tone, 'warning');
    assert.match(node.children![0].tooltip!, /cloud-init seed of web1 \(label cidata2\)/);

    // Back to CIDATA, built again: the label shows and the warnings are gone.
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    project = await loadProject(nodeFileSystem, dir);
    assert.ok((await build(buildInputsFromProject(project), { only: 'iso' })).ok);
    const fixed = find(summarizeProject(project, await readBuildStatus(project)), `${dir}#seeds`)!;
    assert.deepEqual(fixed.children!.map((c) => [c.description, c.tone]), [
      [`up to date · ${size('web1')} · CIDATA`, 'ok'],
      [`up to date · ${size('web2')} · CIDATA`, 'ok'],
    ]);
    assert.equal(fixed.description, '2 of 2 built');
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
    const tree = summarizeProject(project, await readBuildStatus(project));
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
  const status = await readBuildStatus(project, { signal: AbortSignal.timeout(60_000) });
  assert.equal(status.seeds, undefined);
  const tree = summarizeProject(project, status);
  assert.equal(tree.children![0].label, 'Context');
  assert.ok(!JSON.stringify(tree).includes('"kind":"seed'), 'seeds in a Snooze tree');
});

test('Show ISO Contents of a seed lists the names and sizes isoinfo reads from the seed the build writes', async () => {
  const dir = copy();
  try {
    const project = await loadProject(nodeFileSystem, dir);
    const seeds = buildInputsFromProject(project).seeds!;
    const web2 = seeds.vms.find((v) => v.vm === 'web2')!;
    const { markdown, rows } = await seedListingMarkdown('web2.iso', seeds, web2);
    assert.match(markdown, /Volume label: \*\*CIDATA\*\*\. 3 entries\./);
    assert.ok((await build(buildInputsFromProject(project), { only: 'iso' })).ok);
    const list = (...flags: string[]) => tool('isoinfo', [...flags, '-f', '-i', web2.path]).trim().split('\n').sort();
    assert.deepEqual(rows.map((r) => r.rockRidge).sort(), list('-R'));
    assert.deepEqual(rows.map((r) => r.joliet).sort(), list('-J'));
    assert.deepEqual(rows.map((r) => r.iso9660).sort(), list());
    for (const r of rows) assert.equal(r.size, toolBytes('isoinfo', ['-R', '-x', r.rockRidge, '-i', web2.path]).length, r.rockRidge);

    // A seed file that cannot be read: no listing, the reason instead.
    renameSync(path.join(dir, 'cloud-init/web2/meta-data'), path.join(dir, 'meta-data.moved'));
    const broken = await seedListingMarkdown('web2.iso', seeds, web2);
    assert.deepEqual(broken.rows, []);
    assert.match(broken.markdown, /## Left out or changed\n\n- `.*cloud-init\/web2\/meta-data`: seed of web2: .*meta-data cannot be read/);
  } finally {
    remove(dir);
  }
});
