import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { parseIPv4 } from '../../../src/core/network/ipv4';
import { summarizeProject, type SummaryNode } from '../../../src/core/project/summary';
import { readBuildStatus } from '../../../src/core/build/buildStatus';
import { exampleProject } from '../helpers/tempProject';

const ip = (s: string) => parseIPv4(s)!;
const find = (n: SummaryNode, id: string): SummaryNode | undefined => (n.id === id ? n : n.children?.map((c) => find(c, id)).find((x) => x));

test('the example project as the explorer shows it', async () => {
  const loaded = await loadProject(nodeFileSystem, exampleProject);
  const p = { ...loaded, network: { network: ip('192.168.122.0'), netmask: ip('255.255.255.0'), nameservers: [], search: [] } };
  const debian2 = path.join(exampleProject, 'templates/debian2.xml');
  const tree = summarizeProject(p, undefined, (f) => (f === debian2 ? { errors: 2, warnings: 0 } : { errors: 0, warnings: 0 }));
  assert.equal(tree.label, 'snooze-cluster');
  assert.equal(tree.description, '2 errors');
  assert.deepEqual(tree.children!.map((c) => c.label), ['Context', 'Virtual machines', 'Base image', 'Build']);

  const context = tree.children![0];
  assert.deepEqual(context.children!.map((c) => [c.label, c.description]), [
    ['post-install', undefined],
    ['common/network', '192.168.122.0/24'],
    ['common/routes', undefined],
  ]);
  assert.equal(context.children![0].file, path.join(exampleProject, 'context/post-install'));

  const vms = tree.children![1];
  assert.equal(vms.description, '3 · 2 errors');
  assert.deepEqual(vms.children!.map((c) => [c.label, c.description, c.icon]), [
    ['debian1', '192.168.122.17', 'vm'],
    ['debian2', '192.168.122.18 · 2 errors', 'error'],
    ['debian3', '192.168.122.19', 'vm'],
  ]);
  assert.deepEqual(vms.children![0].children!.map((c) => c.description?.split(' · ')[0]), ['template', 'MAC', 'UUID', undefined]);
});

test('build state: iso not built, overlays missing, base image missing', async () => {
  const p = await loadProject(nodeFileSystem, exampleProject);
  const build = await readBuildStatus({ ...p, output: { iso: '/nonexistent/context.iso', overlaysDir: '/nonexistent', seedsDir: '/nonexistent' } });
  const tree = summarizeProject(p, build);
  const iso = find(tree, `${exampleProject}#iso`)!;
  assert.equal(iso.description, 'not built');
  assert.equal(iso.file, undefined);
  const overlays = find(tree, `${exampleProject}#overlays`)!;
  assert.equal(overlays.description, '0 of 3 built');
  assert.deepEqual(overlays.children!.map((c) => [c.label, c.description]), [
    ['debian1.qcow2', 'no overlay'],
    ['debian2.qcow2', 'no overlay'],
    ['debian3.qcow2', 'no overlay'],
  ]);
  const base = find(tree, `${exampleProject}#baseImage`)!;
  if (!p.baseImage?.exists) assert.equal(base.description, 'missing');
});

test('a VM whose MAC is malformed says so, not "no MAC"', async () => {
  const loaded = await loadProject(nodeFileSystem, exampleProject);
  const [first, ...rest] = loaded.templates;
  const iface = first.interfaces[0];
  const broken = { ...first, interfaces: [{ ...iface, mac: { ...iface.mac!, value: '00:16:c0:a8:7a' } }] };
  const vm = summarizeProject({ ...loaded, templates: [broken, ...rest] }, undefined).children![1].children![0];
  assert.equal(vm.description, 'no IP (MAC 00:16:c0:a8:7a is malformed)');
  const noMac = summarizeProject({ ...loaded, templates: [{ ...first, interfaces: [] }, ...rest] }, undefined).children![1].children![0];
  assert.equal(noMac.description, 'no IP (no MAC)');
});
