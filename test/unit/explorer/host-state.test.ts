import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { summarizeProject, type SummaryNode } from '../../../src/core/project/summary';
import { exampleProject } from '../helpers/tempProject';

const find = (n: SummaryNode, pred: (n: SummaryNode) => boolean): SummaryNode | undefined =>
  pred(n) ? n : n.children?.map((c) => find(c, pred)).find(Boolean);

test('a VM node shows its state on its libvirt host and carries the arguments of the VM actions', async () => {
  const project = await loadProject(nodeFileSystem, exampleProject);
  const states: Record<string, { uri: string; state: string }> = { debian1: { uri: 'qemu:///system', state: 'running' }, debian2: { uri: 'qemu:///system', state: 'absent' } };
  const tree = summarizeProject(project, undefined, undefined, (vm) => states[vm]);
  const vm1 = find(tree, (n) => n.kind === 'vm' && n.label === 'debian1')!;
  assert.equal(vm1.vm, 'debian1');
  assert.equal(vm1.uri, 'qemu:///system');
  assert.match(vm1.description!, /192\.168\.122\.17 · .*running|192\.168\.122\.17.*running/);
  assert.ok(vm1.children!.some((c) => c.label === 'qemu:///system' && c.description === 'running'));
  const vm2 = find(tree, (n) => n.kind === 'vm' && n.label === 'debian2')!;
  assert.doesNotMatch(vm2.description!, /absent/, 'absent is said in the detail, not on the VM line');
  const vm3 = find(tree, (n) => n.kind === 'vm' && n.label === 'debian3')!;
  assert.equal(vm3.uri, undefined, 'no state before the first refresh');
  assert.ok(!vm3.children!.some((c) => c.icon === 'server'));
});
