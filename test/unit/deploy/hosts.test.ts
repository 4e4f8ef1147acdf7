import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignHosts, isLocalUri } from '../../../src/core/deploy/deployHosts';

test('local and remote libvirt URIs', () => {
  for (const u of ['qemu:///system', 'qemu:///session', 'test:///default', 'qemu://localhost/system', 'qemu+unix:///system']) assert.equal(isLocalUri(u), true, u);
  for (const u of ['qemu+ssh://lc1/system', 'qemu+ssh://root@lc2.example/system', 'qemu+tls://10.0.0.5/system', 'nonsense']) assert.equal(isLocalUri(u), false, u);
});

test('round-robin over the hosts in manifest order', () => {
  const r = assignHosts([{ uri: 'a' }, { uri: 'b' }], ['debian1', 'debian2', 'debian3']);
  assert.deepEqual(r.hosts.map((h) => [h.host.uri, h.vms]), [['a', ['debian1', 'debian3']], ['b', ['debian2']]]);
  assert.deepEqual(r.unassigned, []);
});

test('explicit assignments first; a host with a list takes only those', () => {
  const r = assignHosts([{ uri: 'a', vms: ['debian3'] }, { uri: 'b' }, { uri: 'c' }], ['debian1', 'debian2', 'debian3']);
  assert.deepEqual(r.hosts.map((h) => [h.host.uri, h.vms]), [['a', ['debian3']], ['b', ['debian1']], ['c', ['debian2']]]);
  const only = assignHosts([{ uri: 'a', vms: ['debian1'] }], ['debian1', 'debian2']);
  assert.deepEqual(only.unassigned, ['debian2']);
});

test('an unknown VM, a VM on two hosts and no host at all are errors', () => {
  assert.throws(() => assignHosts([{ uri: 'a', vms: ['nope'] }], ['debian1']), /names VM "nope", but no template defines it/);
  assert.throws(() => assignHosts([{ uri: 'a', vms: ['debian1'] }, { uri: 'b', vms: ['debian1'] }], ['debian1']), /assigned to two hosts: a and b/);
  assert.throws(() => assignHosts([], ['debian1']), /no host to deploy to/);
});

test('the same URI twice is refused, not deployed to the first alone', () => {
  assert.throws(() => assignHosts([{ uri: 'qemu:///system', directory: '/a' }, { uri: 'qemu:///system', directory: '/b' }], ['debian1', 'debian2']), /host qemu:\/\/\/system is listed twice/);
});
