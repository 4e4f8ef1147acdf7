import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { validateDocument } from '../../../src/core/validation/checkProject';
import type { Diagnostic } from '../../../src/core/common/diagnostic';
import { bundledSettings, fixture, libvirtSettings, openProject, writeProject } from './domainTestProject';
import { remove, repoRoot } from '../helpers/tempProject';
import { testSchemas } from '../helpers/tempProject';

/** code@line (1-based) for compact assertions. */
const at = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.range.start.line + 1}`).sort();

function applyFix(text: string, d: Diagnostic, index = 0): string {
  const edits = [...d.fixes![index].edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  const lines = text.split('\n');
  for (const e of edits) {
    assert.equal(e.range.start.line, e.range.end.line);
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

test('the Snooze-era template gets what a libvirt expert would say, each at its line', async () => {
  const text = fixture('snooze-era.xml');
  const dir = writeProject({ 'debian1.xml': text });
  try {
    const project = await openProject(dir);
    const file = path.join(dir, 'templates/debian1.xml');
    const ds = validateDocument(project, file, text, bundledSettings, testSchemas);
    const expected = [
      'domain-bridge-mismatch@34',
      'domain-cdrom-bus@29',
      'domain-disk-not-overlay@24',
      'domain-legacy-form@16',
      'domain-mac-ip-reserved@33',
      'domain-target-duplicate@25',
      'domain-target-duplicate@29',
      'libvirt-schema@16',
    ];
    assert.deepEqual(at(ds), expected);
    const schemaError = ds.find((d) => d.code === 'libvirt-schema')!;
    assert.equal(schemaError.source, 'libvirt-schema (domain-template.rng)');
    assert.match(schemaError.message, /sync/);

    const cd = ds.find((d) => d.code === 'domain-cdrom-bus')!;
    assert.match(cd.message, /'ide' \(machine 'pc'\)/);
    const fixed = applyFix(text, cd);
    // hdb already names an IDE disk: only the bus changes (the duplicate has its own fix).
    assert.match(fixed.split('\n')[28], /<target dev='hdb' bus='ide'\/>/);
    assert.match(applyFix(text, cd, 1).split('\n')[28], /<target dev='sda' bus='sata'\/>/);

    const clock = ds.find((d) => d.code === 'domain-legacy-form')!;
    assert.match(applyFix(text, clock).split('\n')[15], /<clock offset="localtime"\/>/);

    const reserved = ds.find((d) => d.code === 'domain-mac-ip-reserved')!;
    assert.match(reserved.message, /192\.168\.122\.1, which is the gateway/);
    assert.match(applyFix(text, reserved).split('\n')[32], /00:16:c0:a8:7a:02/);

    const dup = ds.filter((d) => d.code === 'domain-target-duplicate');
    assert.equal(dup[0].related?.[0].range.start.line, 28);
    assert.equal(dup[1].related?.[0].range.start.line, 24);

    const overlay = ds.find((d) => d.code === 'domain-disk-not-overlay')!;
    assert.equal(overlay.severity, 'warning');
    assert.equal(overlay.fixes![0].edits[0].newText, '/opt/cloud/debian1.qcow2');
    // Applying the preferred fixes one by one leaves a template with nothing to say.
    let all = text;
    for (const code of ['domain-legacy-form', 'domain-bridge-mismatch', 'domain-mac-ip-reserved', 'domain-disk-not-overlay']) {
      all = applyFix(all, validateDocument(project, file, all, bundledSettings, testSchemas).find((d) => d.code === code)!);
    }
    all = applyFix(all, validateDocument(project, file, all, bundledSettings, testSchemas).find((d) => d.code === 'domain-cdrom-bus')!);
    all = applyFix(all, validateDocument(project, file, all, bundledSettings, testSchemas).find((d) => d.code === 'domain-target-duplicate' && d.fixes?.length)!);
    assert.deepEqual(at(validateDocument(project, file, all, bundledSettings, testSchemas)), []);
  } finally {
    remove(dir);
  }
});

// libvirt's schemas come from the Debian package libvirt0 (.ci/apt-packages.txt).
test('with libvirt schemas the source names domain.rng', async () => {
  assert.ok(existsSync('/usr/share/libvirt/schemas/domain.rng'), 'install libvirt0 for /usr/share/libvirt/schemas');
  const text = fixture('snooze-era.xml');
  const dir = writeProject({ 'debian1.xml': text });
  try {
    const project = await openProject(dir);
    const ds = validateDocument(project, path.join(dir, 'templates/debian1.xml'), text, libvirtSettings, testSchemas);
    const schema = ds.filter((d) => d.code === 'libvirt-schema');
    assert.ok(schema.length >= 1);
    assert.ok(schema.every((d) => d.source === 'libvirt-schema (domain.rng)' && d.range.start.line === 15));
  } finally {
    remove(dir);
  }
});

test('duplicates across templates are reported on every occurrence, with related information', async () => {
  const one = fixture('snooze-era.xml');
  const two = one.replace('00:16:c0:a8:7a:01', '00:16:c0:a8:7a:21');
  const three = one.replace('<name>debian1</name>', '<name>debian3</name>').replace('7092c347-9628-4238-87dc-b4e2fd7819bd', '11111111-2222-3333-4444-555555555555').replace('00:16:c0:a8:7a:01', '02:16:c0:a8:7a:21');
  const dir = writeProject({ 'a.xml': one, 'b.xml': two, 'c.xml': three });
  try {
    const project = await openProject(dir);
    const file = (n: string) => path.join(dir, 'templates', n);
    const a = validateDocument(project, file('a.xml'), one, bundledSettings, testSchemas);
    const b = validateDocument(project, file('b.xml'), two, bundledSettings, testSchemas);
    const c = validateDocument(project, file('c.xml'), three, bundledSettings, testSchemas);
    const codes = (ds: Diagnostic[]) => ds.filter((d) => /duplicate/.test(d.code) && d.code !== 'domain-target-duplicate').map((d) => d.code).sort();
    assert.deepEqual(codes(a), ['domain-name-duplicate', 'domain-uuid-duplicate']);
    assert.deepEqual(codes(b), ['domain-ip-duplicate', 'domain-name-duplicate', 'domain-uuid-duplicate']);
    assert.deepEqual(codes(c), ['domain-ip-duplicate']);
    const uuid = b.find((d) => d.code === 'domain-uuid-duplicate')!;
    assert.equal(uuid.related?.[0].file, file('a.xml'));
    assert.match(uuid.fixes![0].edits[0].newText, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ip = c.find((d) => d.code === 'domain-ip-duplicate')!;
    assert.match(ip.message, /192\.168\.122\.33/);
    assert.equal(ip.related?.[0].file, file('b.xml'));
    // next free: .34 (.1 gateway; .33 used by b and c)
    assert.equal(ip.fixes![0].edits[0].newText, '02:16:c0:a8:7a:22');
    // Editing one template: its current text counts, not the project's copy.
    const renamed = two.replace('<name>debian1</name>', '<name>debian2</name>');
    assert.ok(!validateDocument(project, file('b.xml'), renamed, bundledSettings, testSchemas).some((d) => d.code === 'domain-name-duplicate'));
  } finally {
    remove(dir);
  }
});

test('MAC rules: multicast, outside the network; off with DHCP addressing', async () => {
  const text = fixture('snooze-era.xml').replace('00:16:c0:a8:7a:01', '01:16:0a:00:00:05');
  for (const addressing of ['mac', 'dhcp']) {
    const dir = writeProject({ 'a.xml': text }, { addressing });
    try {
      const project = await openProject(dir);
      const ds = validateDocument(project, path.join(dir, 'templates/a.xml'), text, bundledSettings, testSchemas);
      const codes = ds.filter((d) => d.code.startsWith('domain-mac')).map((d) => d.code).sort();
      assert.deepEqual(codes, addressing === 'mac' ? ['domain-mac-ip-outside-network', 'domain-mac-multicast'] : ['domain-mac-multicast']);
      assert.equal(ds.find((d) => d.code === 'domain-mac-multicast')!.fixes![0].edits[0].newText, '00:16:0a:00:00:05');
    } finally {
      remove(dir);
    }
  }
});

test("a CD-ROM on bus 'scsi' without a virtio-scsi controller gets domain-scsi-controller; the fix adds one (libvirt 9 would add an LSI one)", async () => {
  const shipped = readFileSync(path.join(repoRoot, 'examples/nocloud-cluster/templates/web1.xml'), 'utf8');
  const text = shipped.replace(/\n *<controller type='scsi' index='0' model='virtio-scsi'\/>/, '');
  assert.notEqual(text, shipped);
  const dir = writeProject({ 'web1.xml': text });
  try {
    const project = await openProject(dir);
    const file = path.join(dir, 'templates/web1.xml');
    const codes = (t: string) => validateDocument(project, file, t, bundledSettings, testSchemas).filter((d) => d.code === 'domain-scsi-controller');
    assert.deepEqual(codes(shipped), []);
    const [d] = codes(text);
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /CD-ROM on bus 'scsi', and the template has no SCSI controller: .*LSI Logic/);
    assert.equal(text.split('\n')[d.range.start.line].trim(), "<target dev='sda' bus='scsi'/>");
    const fixed = applyFix(text, d);
    assert.match(fixed, /<\/disk>\n    <controller type='scsi' index='0' model='virtio-scsi'\/>\n/);
    assert.deepEqual(codes(fixed), []);
    // Another model: said, and left to the user (no fix).
    const lsi = codes(shipped.replace("model='virtio-scsi'", "model='lsilogic'"));
    assert.match(lsi[0].message, /its SCSI controller is model 'lsilogic'/);
    assert.equal(lsi[0].fixes?.length ?? 0, 0);
  } finally {
    remove(dir);
  }
});
