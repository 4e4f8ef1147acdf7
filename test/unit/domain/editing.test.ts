import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { completeDomain } from '../../../src/core/domain/domainCompletion';
import { hoverDomain } from '../../../src/core/domain/domainHover';
import { domainSymbols } from '../../../src/core/domain/domainSymbols';
import { domainLinks } from '../../../src/core/domain/domainLinks';
import { generateUuidEdit, ipAtInterface, setMacFromIpEdit } from '../../../src/core/domain/edits';
import { bundledSettings, fixture, libvirtSettings, openProject, writeProject } from './domainTestProject';
import { remove } from '../helpers/tempProject';
import { LineIndex } from '../../../src/core/common/text';
import { testSchemas } from '../helpers/tempProject';

const labels = (text: string, settings = bundledSettings) => completeDomain(text, text.length, settings, testSchemas).map((c) => c.label);

test('completion in a half-typed template: elements, attributes, values (both schemas)', () => {
  for (const settings of [bundledSettings, libvirtSettings]) {
    const head = "<domain type='kvm'>\n  <name>a</name>\n  <devices>\n    <disk type='file' device='cdrom'>\n";
    assert.deepEqual(labels(`${head}      <target dev='sda' bus='`, settings).filter((l) => ['ide', 'sata', 'virtio'].includes(l)), ['ide', 'sata', 'virtio']);
    assert.ok(labels(`${head}    </disk>\n    <inter`, settings).includes('interface'));
    assert.ok(labels("<domain type='kvm'>\n  <clock ", settings).includes('offset'));
    assert.ok(!labels("<domain type='kvm'>\n  <clock offset='utc' ", settings).includes('offset'), 'present attributes are not offered again');
  }
  const item = completeDomain("<domain type='kvm'>\n  <devices>\n    <dis", 39, bundledSettings, testSchemas).find((c) => c.label === 'disk')!;
  assert.match(item.documentation!, /overlay/);
  assert.equal(item.insertText, 'disk$1>$0</disk>');
});

test('hover: schema documentation, and the IP a MAC encodes', async () => {
  const text = fixture('snooze-era.xml');
  const dir = writeProject({ 'a.xml': text });
  try {
    const project = await openProject(dir);
    const lines = new LineIndex(text);
    const off = (line: number, needle: string) => lines.offsetAt({ line: line - 1, character: lines.lineText(line - 1).indexOf(needle) + 1 });
    assert.match(hoverDomain(text, off(33, '00:16'), testSchemas.docs(), project)!.markdown, /192\.168\.122\.1\*\*[\s\S]*gateway/);
    assert.match(hoverDomain(text, off(29, 'bus'), testSchemas.docs(), project)!.markdown, /QEMU cannot attach a CD-ROM on virtio/);
    assert.match(hoverDomain(text, off(16, 'clock'), testSchemas.docs(), project)!.markdown, /^\*\*<clock>\*\*/);
  } finally {
    remove(dir);
  }
});

test('outline: settings and devices with what tells them apart', () => {
  const [domain] = domainSymbols(fixture('snooze-era.xml'));
  assert.equal(domain.name, 'debian1');
  const devices = domain.children.find((c) => c.name === 'devices')!;
  assert.deepEqual(
    devices.children.map((c) => `${c.name}: ${c.detail}`),
    [
      'emulator: /usr/bin/kvm',
      'disk: disk hdb (virtio) /opt/cloud/debian-base.qcow2',
      'disk: cdrom hdb (virtio) /opt/cloud/context.iso',
      'interface: bridge br0 00:16:c0:a8:7a:01 → 192.168.122.1',
      'graphics: vnc',
    ],
  );
});

test('links: remote paths map to the files the build writes', async () => {
  const text = fixture('snooze-era.xml').replace('debian-base.qcow2', 'debian1.qcow2');
  const dir = writeProject({ 'a.xml': text });
  try {
    const project = await openProject(dir);
    const existing = new Set([path.join(dir, 'build/overlays/debian1.qcow2'), path.join(dir, 'build/context.iso')]);
    const links = domainLinks(text, path.join(dir, 'templates/a.xml'), project, (p) => existing.has(p));
    assert.deepEqual(links.map((l) => `${l.range.start.line + 1}: ${path.relative(dir, l.target)}`), ['24: build/overlays/debian1.qcow2', '28: build/context.iso']);
    assert.deepEqual(domainLinks(text, path.join(dir, 'templates/a.xml'), project, () => false), []);
  } finally {
    remove(dir);
  }
});

test('Generate UUID and Set MAC from IP: minimal edits that keep the formatting', () => {
  const text = fixture('snooze-era.xml');
  const uuid = generateUuidEdit(text, '11111111-2222-4333-8444-555555555555');
  assert.deepEqual([uuid.range.start, uuid.range.end], [{ line: 2, character: 8 }, { line: 2, character: 44 }]);
  const noUuid = text.replace(/  <uuid>.*<\/uuid>\n/, '');
  const added = generateUuidEdit(noUuid, '11111111-2222-4333-8444-555555555555');
  assert.equal(added.newText, '\n  <uuid>11111111-2222-4333-8444-555555555555</uuid>');
  assert.deepEqual(added.range.start, { line: 1, character: 22 }); // after </name>

  const { edit, mac } = setMacFromIpEdit(text, 0, '192.168.122.42');
  assert.equal(mac, '00:16:c0:a8:7a:2a');
  assert.equal(edit.range.start.line, 32);
  const noMac = text.replace(/      <mac address=.*\n/, '');
  const inserted = setMacFromIpEdit(noMac, 0, '192.168.122.42').edit;
  assert.equal(inserted.newText, "\n      <mac address='00:16:c0:a8:7a:2a'/>");
  assert.throws(() => setMacFromIpEdit(text, 0, '300.1.1.1'), /not an IPv4 address/);
});

test('the IP a template MAC encodes, for the interface at the cursor (Set MAC from IP prefill)', () => {
  const text =
    "<domain type='kvm'><name>a</name><devices>\n" +
    "<interface type='bridge'><mac address='00:16:c0:a8:7a:11'/></interface>\n" +
    "<interface type='bridge'><mac address='00:16:0a:00:00:05'/></interface>\n" +
    '</devices></domain>';
  assert.equal(ipAtInterface(text, text.indexOf('0a:00')), '10.0.0.5');
  assert.equal(ipAtInterface(text, 0), '192.168.122.17', 'outside every interface: the first one');
  assert.equal(ipAtInterface("<domain><name>a</name></domain>", 3), undefined);
  assert.equal(ipAtInterface('<network/>', 1), undefined);
});
