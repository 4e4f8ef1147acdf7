// "What may come here": element names, attribute names and values at an offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseXml } from '../../../src/core/xml/parse';
import { whatMayComeHere, whatMayComeHereInText } from '../../../src/core/relaxng/index';
import { compileRngSchemaFile } from '../../../src/core/io/schemaFiles';

const FIX = join(__dirname, '../../fixtures/relaxng');
const at = (text: string, marker = '|') => ({ text: text.replace(marker, ''), offset: text.indexOf(marker) });

test('child elements allowed in content, given what is already there', () => {
  const schema = compileRngSchemaFile(join(FIX, 'interleave/schema.rng'));
  const { text, offset } = at('<devices>\n  <console/>\n  <emulator>x</emulator>\n  |\n</devices>');
  const e = whatMayComeHere(schema, parseXml(text), offset);
  assert.equal(e.context, 'content');
  assert.equal(e.element, 'devices');
  // console and emulator are used up; a disk is still required, so no end tag yet.
  assert.deepEqual(e.elements, ['disk', 'interface']);
  assert.equal(e.endTagAllowed, false);
  assert.deepEqual(e.requiredElements, ['disk']);
});

test('attributes not yet given, and attribute values', () => {
  const schema = compileRngSchemaFile(join(FIX, 'combine/schema.rng'));
  const s = at('<root y="1" |></root>');
  const e = whatMayComeHere(schema, parseXml(s.text), s.offset);
  assert.equal(e.context, 'startTag');
  assert.deepEqual(e.attributes, ['x']);
  assert.deepEqual(e.requiredAttributes, ['x']);

  const interleave = compileRngSchemaFile(join(FIX, 'interleave/schema.rng'));
  const v = at('<devices><disk type="|"/></devices>');
  const ev = whatMayComeHere(interleave, parseXml(v.text), v.offset);
  assert.equal(ev.context, 'attributeValue');
  assert.equal(ev.attribute, 'type');
  assert.deepEqual(ev.values, ['block', 'file']);
});

test('works on libvirt domain.rng and on unfinished documents', () => {
  const schema = compileRngSchemaFile('/usr/share/libvirt/schemas/domain.rng');
  const c = at('<domain type="kvm">\n  <name>x</name>\n  <clock offset="utc"/>\n  <devices>\n    <disk type="file" device="disk">\n      <target dev="vda" bus="|"/>\n    </disk>\n  </devices>\n</domain>\n');
  const bus = whatMayComeHere(schema, parseXml(c.text), c.offset);
  assert.equal(bus.context, 'attributeValue');
  assert.ok(bus.values.includes('virtio') && bus.values.includes('sata'), bus.values.join(','));

  const a = at('<domain type="kvm">\n  <clock |/>\n</domain>');
  const clock = whatMayComeHere(schema, parseXml(a.text), a.offset);
  assert.equal(clock.context, 'startTag');
  for (const n of ['offset', 'adjustment', 'basis', 'timezone']) assert.ok(clock.attributes.includes(n), `${n} in ${clock.attributes}`);

  const d = at('<domain type="kvm">\n  <name>x</name>\n  <devices>\n    |\n  </devices>\n</domain>');
  const devices = whatMayComeHere(schema, parseXml(d.text), d.offset);
  for (const n of ['disk', 'interface', 'graphics', 'console']) assert.ok(devices.elements.includes(n), n);

  // Typing in progress: the document is not well-formed yet.
  const u = at('<domain type="kvm">\n  <name>x</name>\n  |');
  const unfinished = whatMayComeHere(schema, parseXml(u.text), u.offset);
  assert.ok(unfinished.elements.includes('memory') && unfinished.elements.includes('devices'), unfinished.elements.join(','));
  assert.ok(!unfinished.elements.includes('name'));

  const r = whatMayComeHere(schema, parseXml(''), 0);
  assert.deepEqual(r.elements, ['domain']);
});

test('text being typed: element names, attributes and values of unfinished tags', () => {
  const schema = compileRngSchemaFile('/usr/share/libvirt/schemas/domain.rng');
  const ask = (src: string) => whatMayComeHereInText(schema, src.replace('|', ''), src.indexOf('|'));

  const name = ask('<domain type="kvm">\n  <name>x</name>\n  <devices>\n    <dis|');
  assert.equal(name.context, 'content');
  assert.equal(name.element, 'devices');
  assert.ok(name.elements.includes('disk'));

  const attrs = ask('<domain type="kvm">\n  <clock offset="utc" |');
  assert.equal(attrs.context, 'startTag');
  assert.equal(attrs.element, 'clock');
  assert.ok(attrs.attributes.includes('adjustment') && !attrs.attributes.includes('offset'), attrs.attributes.join(','));

  const root = ask('<domain |');
  assert.deepEqual(root.requiredAttributes, ['type']);
  const domain = ask('<domain type="kvm">\n  |');
  assert.deepEqual(domain.requiredElements, ['name']);

  const value = ask('<domain type="|');
  assert.equal(value.context, 'attributeValue');
  assert.ok(value.values.includes('kvm') && value.values.includes('qemu'));

  const text = ask('<domain type="kvm"><on_poweroff>|</on_poweroff></domain>');
  assert.deepEqual(text.values, ['destroy', 'preserve', 'rename-restart', 'restart']);
});
