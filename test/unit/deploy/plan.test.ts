// The deploy planner's rules, on plain data: what is sent, kept, defined, started or refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeCount, placeFiles, planDeploy, sameFile, type HostState, type LocalFile, type TargetHost, type VmSpec } from '../../../src/core/deploy/deployPlan';
import { prepareDomainXml } from '../../../src/core/deploy/deployDomainXml';
import { formatPlan } from '../../../src/core/deploy/formatDeployPlan';

const file = (p: string, sha: string, size = 100): LocalFile => ({ path: p, size, sha256: sha, capacity: size });
const template = (name: string, uuid: string) =>
  `<domain type='kvm'><name>${name}</name><uuid>${uuid}</uuid><devices>` +
  `<disk type='file' device='disk'><source file='/opt/cloud/${name}.qcow2'/></disk>` +
  `<disk type='file' device='cdrom'><source file='/opt/cloud/context.iso'/></disk></devices></domain>`;
const UUID1 = '7092c347-9628-4238-87dc-b4e2fd7819bd';
const UUID2 = '8092c347-9628-4238-87dc-b4e2fd7819bd';
const iso = file('/p/build/context.iso', 'iso');
const base = file('/p/images/base.raw', 'base', 1000);
const vm = (name: string, uuid: string): VmSpec => ({
  name,
  uuid,
  templateFile: `/p/templates/${name}.xml`,
  template: template(name, uuid),
  overlay: { templatePath: `/opt/cloud/${name}.qcow2`, local: file(`/p/build/overlays/${name}.qcow2`, `ov-${name}`), backing: 'base.raw' },
  iso: { templatePath: '/opt/cloud/context.iso', local: iso },
  base,
});
const vms = [vm('debian1', UUID1), vm('debian2', UUID2)];
const local: TargetHost = { uri: 'qemu:///system', local: true, vms: ['debian1', 'debian2'] };
const empty: HostState = { uri: 'qemu:///system', domains: {}, files: {} };

/** The host after a deploy of `vms` with no changes since. */
function deployed(overrides: Partial<HostState> = {}): HostState {
  const files: HostState['files'] = {};
  for (const p of placeFiles(vms, local, undefined).placements) files[p.hostPath] = { size: p.local.size, sha256: p.local.sha256 };
  const domains: HostState['domains'] = {};
  for (const v of vms) domains[v.name] = { uuid: v.uuid!, state: 'shut off', deployHash: prepareDomainXml(v.template, new Map()).hash };
  return { uri: 'qemu:///system', files, domains, ...overrides };
}

test('a fresh host gets the base image and the ISO once, each overlay, each domain; --start starts', () => {
  const plan = planDeploy(vms, [local], [empty], { start: true });
  assert.deepEqual(plan.errors, []);
  const steps = plan.hosts[0].steps.map((s) => `${s.kind} ${'to' in s ? s.to : s.vm}`);
  assert.deepEqual(steps, [
    'send /opt/cloud/base.raw',
    'send /opt/cloud/context.iso',
    'send /opt/cloud/debian1.qcow2',
    'send /opt/cloud/debian2.qcow2',
    'define debian1',
    'start debian1',
    'define debian2',
    'start debian2',
  ]);
  assert.equal(changeCount(plan), 8);
});

test('deploying again changes nothing', () => {
  const plan = planDeploy(vms, [local], [deployed()]);
  assert.equal(changeCount(plan), 0, formatPlan(plan));
  assert.match(formatPlan(plan), /up to date: nothing to change/);
  assert.ok(plan.hosts[0].steps.every((s) => s.kind === 'keep-file' || s.kind === 'keep-domain'));
});

test('a changed context.iso is sent again, a changed template redefined', () => {
  const state = deployed();
  state.files['/opt/cloud/context.iso'] = { size: 100, sha256: 'older' };
  state.domains.debian2!.deployHash = 'f'.repeat(64);
  const plan = planDeploy(vms, [local], [state]);
  const changes = plan.hosts[0].steps.filter((s) => s.kind === 'send' || s.kind === 'define');
  assert.deepEqual(changes.map((s) => [s.kind, s.reason]), [['send', 'changed'], ['define', 'changed']]);
});

test('a domain with the same name and another UUID is an error, not an overwrite', () => {
  const state = deployed();
  state.domains.debian1 = { uuid: '00000000-0000-0000-0000-000000000001', state: 'shut off' };
  const plan = planDeploy(vms, [local], [state]);
  assert.equal(plan.errors.length, 1);
  assert.match(plan.errors[0], /a domain named "debian1" is already defined with UUID 00000000-0000-0000-0000-000000000001, but debian1\.xml has UUID 7092c347/);
  assert.ok(!plan.hosts[0].steps.some((s) => s.kind === 'define' && s.vm === 'debian1'));
  assert.match(formatPlan(plan), /nothing deployed: fix the errors above/);
});

test('a running VM is never redefined, nor its overlay or the files it uses replaced', () => {
  const state = deployed();
  state.domains.debian1 = { uuid: UUID1, state: 'running', deployHash: 'old' };
  state.files['/opt/cloud/debian1.qcow2'] = { size: 5000, sha256: 'written-by-the-guest' };
  state.files['/opt/cloud/context.iso'] = { size: 100, sha256: 'older' };
  const plan = planDeploy(vms, [local], [state], { start: true, replaceOverlays: true });
  const steps = plan.hosts[0].steps;
  assert.ok(!steps.some((s) => (s.kind === 'define' || s.kind === 'start') && s.vm === 'debian1'));
  assert.ok(!steps.some((s) => s.kind === 'send'), formatPlan(plan));
  assert.deepEqual(steps.find((s) => s.kind === 'keep-domain' && s.vm === 'debian1'), { kind: 'keep-domain', vm: 'debian1', reason: 'running' });
  assert.match(plan.warnings.join('\n'), /debian1 is running with another definition/);
  assert.match(plan.warnings.join('\n'), /context\.iso differs from the build but is in use by running debian1/);
  // debian2 is shut off: started.
  assert.ok(steps.some((s) => s.kind === 'start' && s.vm === 'debian2'));
});

test('an overlay that differs holds the VM disk: kept unless --replace-overlays', () => {
  const state = deployed();
  state.files['/opt/cloud/debian2.qcow2'] = { size: 9000, sha256: 'used' };
  const kept = planDeploy(vms, [local], [state]);
  assert.equal(changeCount(kept), 0);
  assert.match(kept.warnings[0], /debian2\.qcow2 differs from the build; it is debian2's disk and is kept/);
  const replaced = planDeploy(vms, [local], [state], { replaceOverlays: true });
  assert.deepEqual(replaced.hosts[0].steps.filter((s) => s.kind === 'send').map((s) => 'to' in s && s.to), ['/opt/cloud/debian2.qcow2']);
});

test('a host directory moves the files and the disk paths of the defined XML', () => {
  const host: TargetHost = { ...local, directory: '/srv/vms' };
  const plan = planDeploy(vms, [host], [{ ...empty }]);
  const sends = plan.hosts[0].steps.filter((s) => s.kind === 'send').map((s) => 'to' in s && s.to);
  assert.deepEqual(sends, ['/srv/vms/base.raw', '/srv/vms/context.iso', '/srv/vms/debian1.qcow2', '/srv/vms/debian2.qcow2']);
  const define = plan.hosts[0].steps.find((s) => s.kind === 'define');
  assert.ok(define && define.kind === 'define');
  assert.match(define.xml, /<source file='\/srv\/vms\/debian1\.qcow2'\/>/);
  assert.match(define.xml, /<source file='\/srv\/vms\/context\.iso'\/>/);
});

test('remote hosts upload into their pool; without a pool they are an error', () => {
  const remote: TargetHost = { uri: 'qemu+ssh://lc1/system', local: false, pool: 'cloud', vms: ['debian1'] };
  const plan = planDeploy(vms, [remote], [{ uri: remote.uri, poolPath: '/var/lib/libvirt/images', domains: {}, files: {} }]);
  assert.deepEqual(plan.errors, []);
  const sends = plan.hosts[0].steps.filter((s) => s.kind === 'send');
  assert.deepEqual(sends.map((s) => s.kind === 'send' && [s.pool, s.volume, s.to]), [
    ['cloud', 'base.raw', '/var/lib/libvirt/images/base.raw'],
    ['cloud', 'context.iso', '/var/lib/libvirt/images/context.iso'],
    ['cloud', 'debian1.qcow2', '/var/lib/libvirt/images/debian1.qcow2'],
  ]);
  assert.match(formatPlan(plan), /upload  overlay \/p\/build\/overlays\/debian1\.qcow2 -> pool cloud volume debian1\.qcow2/);
  const noPool = planDeploy(vms, [{ ...remote, pool: undefined }], [{ uri: remote.uri, domains: {}, files: {} }]);
  assert.match(noPool.errors[0], /qemu\+ssh:\/\/lc1\/system is a remote host: give it a storage pool/);
});

test('an absolute backing path outside the pool folder is an error', () => {
  const abs = vms.map((v) => ({ ...v, overlay: { ...v.overlay!, backing: '/opt/cloud/base.raw' } }));
  const remote: TargetHost = { uri: 'qemu+ssh://lc1/system', local: false, pool: 'cloud', vms: ['debian1'] };
  const plan = planDeploy(abs, [remote], [{ uri: remote.uri, poolPath: '/pool', domains: {}, files: {} }]);
  assert.match(plan.errors[0], /reads its base image from \/opt\/cloud\/base\.raw, outside the pool's folder \/pool/);
});

test('file comparison: hashes when known, else sizes, else capacity', () => {
  const f = { path: 'x', size: 10, sha256: 'h', capacity: 64 };
  assert.equal(sameFile(f, { sha256: 'h', size: 999 }), true);
  assert.equal(sameFile(f, { sha256: 'other', size: 10 }), false);
  assert.equal(sameFile(f, { size: 10 }), true);
  assert.equal(sameFile(f, { capacity: 64 }), true);
  assert.equal(sameFile(f, { capacity: 65 }), false);
  assert.equal(sameFile(f, {}), false);
});
