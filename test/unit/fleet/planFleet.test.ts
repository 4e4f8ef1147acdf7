import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import type { ContextProject } from '../../../src/core/project/project';
import { parseIPv4 } from '../../../src/core/network/ipv4';
import { defaultSettings } from '../../../src/core/settings';
import { expandNames, nameFor, checkVmName } from '../../../src/core/fleet/namePattern';
import { addressPoolOf, allocateAddresses, suggestFirstIp } from '../../../src/core/fleet/addressPool';
import { defaultFleetForm, type FleetForm } from '../../../src/core/fleet/fleetForm';
import { hasErrors, macPrefixOf, planFleet, templatesDirOf } from '../../../src/core/fleet/planFleet';
import { checkPlan, projectWithPlan } from '../../../src/core/fleet/checkPlan';
import { domainXml, machineFor } from '../../../src/core/fleet/domainXml';
import { parseXml } from '../../../src/core/xml/parse';
import { describeTemplate } from '../../../src/core/project/template';
import { exampleProject } from '../helpers/tempProject';
import { testSchemas } from '../helpers/tempProject';

const ip = (s: string) => parseIPv4(s)!;

async function example(): Promise<ContextProject> {
  const p = await loadProject(nodeFileSystem, exampleProject);
  // The network as common/network says, whether or not the loader parsed it.
  return {
    ...p,
    network: { network: ip('192.168.122.0'), netmask: ip('255.255.255.0'), gateway: ip('192.168.122.1'), broadcast: ip('192.168.122.255'), nameservers: [ip('192.168.122.1'), ip('9.9.9.9')], search: [] },
  };
}

const uuids = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

test('name patterns count up from 1 and skip names in use', () => {
  assert.equal(nameFor('web{n}', 3), 'web3');
  assert.equal(nameFor('node{n:2}', 3), 'node03');
  assert.deepEqual(expandNames('web{n}', 3, ['WEB2']), ['web1', 'web3', 'web4']);
  assert.deepEqual(expandNames('db', 1, []), ['db']);
  assert.equal(checkVmName('web_1.a-b'), undefined);
  assert.match(checkVmName('-x')!, /must start with a letter or digit/);
  assert.match(checkVmName('a/b')!, /only letters/);
});

test('addresses skip the gateway, name servers and the VMs in use, inside the network', async () => {
  const p = await example();
  const pool = addressPoolOf(p);
  // debian1..3 hold .17-.19: the suggestion is the next free one.
  assert.equal(suggestFirstIp(pool), ip('192.168.122.20'));
  const a = allocateAddresses(pool, ip('192.168.122.16'), 3);
  assert.deepEqual(a.ips, [ip('192.168.122.16'), ip('192.168.122.20'), ip('192.168.122.21')]);
  assert.deepEqual(a.skipped.map((s) => s.ip), ['192.168.122.17', '192.168.122.18', '192.168.122.19']);
  assert.match(a.skipped[0].reason, /debian1/);
  const end = allocateAddresses(pool, ip('192.168.122.253'), 3);
  assert.ok(end.exhausted);
  assert.deepEqual(end.ips, [ip('192.168.122.253'), ip('192.168.122.254')]);
});

test('a fleet of three: names, IPs, MACs, UUIDs and templates next to the others', async () => {
  const p = await example();
  const form: FleetForm = { ...defaultFleetForm(p, defaultSettings, 'fleet'), name: 'web{n}', count: '3' };
  assert.equal(form.firstIp, '192.168.122.20');
  assert.equal(form.bridge, 'virbr0');
  assert.equal(form.baseImage, 'images/debian-base.raw');
  const plan = planFleet(p, form, uuids);
  assert.equal(hasErrors(plan), false, JSON.stringify(plan.problems));
  assert.deepEqual(
    plan.vms.map((v) => [v.name, v.ip, v.mac, v.relative]),
    [
      ['web1', '192.168.122.20', '00:16:c0:a8:7a:14', 'templates/web1.xml'],
      ['web2', '192.168.122.21', '00:16:c0:a8:7a:15', 'templates/web2.xml'],
      ['web3', '192.168.122.22', '00:16:c0:a8:7a:16', 'templates/web3.xml'],
    ],
  );
  const t = describeTemplate(plan.vms[0].file, parseXml(plan.vms[0].xml));
  assert.ok(t.wellFormed);
  assert.equal(t.name?.value, 'web1');
  assert.equal(t.uuid?.value, uuids(0));
  assert.equal(t.interfaces[0].mac?.value, '00:16:c0:a8:7a:14');
  assert.equal(t.interfaces[0].bridge?.value, 'virbr0');
  assert.deepEqual(t.disks.map((d) => [d.device, d.source?.value, d.bus?.value]), [
    ['disk', '/opt/cloud/web1.qcow2', 'virtio'],
    ['cdrom', '/opt/cloud/context.iso', 'sata'],
  ]);
  // Added to the project, the templates are part of the model the validators see.
  assert.equal(projectWithPlan(p, plan).templates.length, 6);
  assert.deepEqual(checkPlan(p, plan, defaultSettings, testSchemas).filter((r) => r.diagnostics.some((d) => d.severity === 'error')), []);
});

test('form problems name the field and say what to do', async () => {
  const p = await example();
  const base = defaultFleetForm(p, defaultSettings, 'fleet');
  const fields = (form: Partial<FleetForm>) => planFleet(p, { ...base, ...form }, uuids).problems.filter((x) => x.severity === 'error').map((x) => [x.field, x.message]);
  assert.deepEqual(fields({ name: 'web', count: '3' }), [['name', '3 VMs need a pattern with {n}, e.g. web{n}']]);
  assert.deepEqual(fields({ name: 'debian1', count: '1' }), [['name', 'a VM named "debian1" exists already']]);
  assert.deepEqual(fields({ count: '0' }).map((f) => f[0]), ['count']);
  assert.deepEqual(fields({ firstIp: '10.0.0.5' }), [['firstIp', "10.0.0.5 is outside the project's network 192.168.122.0/24 (context/common/network)"]]);
  assert.deepEqual(fields({ firstIp: '192.168.1' }).map((f) => f[0]), ['firstIp']);
  assert.deepEqual(fields({ memoryMiB: 'lots', vcpus: '0', bridge: 'a bridge', cdromBus: 'virtio' }).map((f) => f[0]), ['memoryMiB', 'vcpus', 'bridge', 'cdromBus']);
  const other = planFleet(p, { ...base, baseImage: 'images/other.qcow2' }, uuids);
  assert.equal(other.baseImageChange, 'images/other.qcow2');
  assert.equal(hasErrors(other), false);
});

test('templates go to the first manifest glob folder; the MAC prefix follows the project', async () => {
  const p = await example();
  assert.equal(templatesDirOf(p), path.join(exampleProject, 'templates'));
  assert.equal(templatesDirOf({ ...p, manifest: { templates: ['vms/**/*.xml'] } }), path.join(exampleProject, 'vms'));
  assert.equal(macPrefixOf(p), '00:16');
});

test('an IDE CD-ROM gets the pc machine (q35 has no IDE) and names are escaped', () => {
  assert.equal(machineFor('ide'), 'pc');
  const xml = domainXml({ name: 'a&b', uuid: 'u', mac: '00:16:0a:00:00:01', ip: '10.0.0.1', memoryMiB: 64, vcpus: 2, bridge: 'br0', cdromBus: 'ide', remoteDirectory: '/', isoName: 'context.iso' });
  const t = describeTemplate('/x.xml', parseXml(xml));
  assert.ok(t.wellFormed);
  assert.equal(t.name?.value, 'a&b');
  assert.equal(t.machine, 'pc');
  assert.deepEqual(t.disks.map((d) => [d.source?.value, d.targetDev?.value]), [['/a&b.qcow2', 'vda'], ['/context.iso', 'hdc']]);
});

test('a SCSI CD-ROM comes with a virtio-scsi controller (libvirt would pick an LSI one, which cloud kernels lack)', () => {
  const xml = domainXml({ name: 'vm1', uuid: 'u', mac: '00:16:0a:00:00:01', ip: '10.0.0.1', memoryMiB: 64, vcpus: 1, bridge: 'br0', cdromBus: 'scsi', remoteDirectory: '/opt/cloud', isoName: 'vm1-seed.iso' });
  assert.match(xml, /<target dev="sda" bus="scsi"\/>[\s\S]*<controller type="scsi" index="0" model="virtio-scsi"\/>/);
  assert.doesNotMatch(domainXml({ name: 'vm1', uuid: 'u', mac: '00:16:0a:00:00:01', ip: '10.0.0.1', memoryMiB: 64, vcpus: 1, bridge: 'br0', cdromBus: 'sata', remoteDirectory: '/opt/cloud', isoName: 'context.iso' }), /<controller/);
});

test('a fleet in a NoCloud project: the subnet from vmcontext.json "network", each VM on its own seed, checks clean', async () => {
  const p = await loadProject(nodeFileSystem, path.join(exampleProject, '../nocloud-cluster'));
  assert.equal(p.flavor, 'nocloud');
  const form: FleetForm = { ...defaultFleetForm(p, defaultSettings, 'fleet'), name: 'app{n}', count: '2' };
  const plan = planFleet(p, form, uuids);
  assert.equal(hasErrors(plan), false, JSON.stringify(plan.problems));
  // web1 and web2 take .20 and .21 (their MACs), the gateway and name server .1.
  assert.deepEqual(plan.vms.map((v) => [v.name, v.ip]), [
    ['app1', '192.168.122.22'],
    ['app2', '192.168.122.23'],
  ]);
  const t = describeTemplate(plan.vms[0].file, parseXml(plan.vms[0].xml));
  assert.deepEqual(t.disks.map((d) => [d.device, d.source?.value]), [
    ['disk', '/opt/cloud/app1.qcow2'],
    ['cdrom', '/opt/cloud/app1-seed.iso'],
  ]);
  // The seed on virtio-scsi, as in the example: cloud images' kernels have no AHCI driver.
  assert.deepEqual(t.disks.map((d) => d.bus?.value), ['virtio', 'scsi']);
  assert.deepEqual(checkPlan(p, plan, defaultSettings, testSchemas).filter((r) => r.diagnostics.some((d) => d.severity === 'error')), []);
  const outside = planFleet(p, { ...form, firstIp: '10.0.0.5' }, uuids);
  assert.match(outside.problems.find((x) => x.field === 'firstIp')!.message, /outside the project's network 192\.168\.122\.0\/24 \(vmcontext\.json "network"\)/);
});
