// What a template's description keeps (src/core/project/template.ts) and what the validator's memos
// keep (src/core/relaxng/derive.ts): copies of the values, never the document's text. V8 makes a
// slice of a long string a view into it, so one kept value (a name, a UUID, a MAC) held a whole
// template's text: a fleet's check kept every text twice over for the whole run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describeTemplate, type TemplateInfo } from '../../../src/core/project/template';
import { parseXml } from '../../../src/core/xml/parse';
import { ownString } from '../../../src/core/common/text';
import { compileRngSchema, validateText } from '../../../src/core/relaxng/index';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const COUNT = 200;
/** A template of about 100 KB (a long comment), its values long enough for V8 to slice them. */
function template(i: number): string {
  const mac = `52:54:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}:01`;
  // Made flat, as a file's decoded text is (a template literal alone would be a tree of parts).
  return Buffer.from(`<domain type="kvm"><!-- ${'x'.repeat(100000)} --><name>a-rather-long-vm-name-${i}</name><uuid>6f1c2a4e-0000-4000-8000-${String(i).padStart(12, '0')}</uuid>
<os><type machine="pc-q35-7.2-machine-${i}">hvm</type></os><devices><disk type="file" device="disk"><source file="/var/lib/libvirt/images/vm-${i}.qcow2"/><target dev="vda" bus="virtio"/></disk>
<interface type="bridge"><mac address="${mac}"/><source bridge="br-long-name-${i}"/></interface></devices></domain>`).toString('latin1');
}

/** Heap growth (MB) while `keep` holds what `make` returned for COUNT templates. */
function heldMb<T>(make: (text: string, i: number) => T): { mb: number; kept: T[] } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: T[] = [];
  for (let i = 0; i < COUNT; i++) kept.push(make(template(i), i));
  gc();
  return { mb: (process.memoryUsage().heapUsed - before) / 1e6, kept };
}

test("a template's description keeps its values, not its document's text", () => {
  const texts = heldMb((text) => text);
  assert.ok(texts.mb > 15, `the texts themselves are measured (${texts.mb.toFixed(1)} MB for ${COUNT} × 100 KB)`);
  texts.kept.length = 0;
  const infos = heldMb((text, i) => describeTemplate(`/p/vm-${i}.xml`, parseXml(text, { cache: false })));
  assert.ok(infos.mb < 3, `${COUNT} descriptions hold ${infos.mb.toFixed(1)} MB`);
  const info: TemplateInfo = infos.kept[7];
  assert.equal(info.name?.value, 'a-rather-long-vm-name-7');
  assert.equal(info.uuid?.value, '6f1c2a4e-0000-4000-8000-000000000007');
  assert.equal(info.machine, 'pc-q35-7.2-machine-7');
  assert.equal(info.disks[0].source?.value, '/var/lib/libvirt/images/vm-7.qcow2');
  assert.equal(info.interfaces[0].mac?.value, '52:54:00:00:07:01');
  assert.equal(info.interfaces[0].bridge?.value, 'br-long-name-7');
});

test("the validator's memos of attribute values and texts keep copies, not the documents' texts", () => {
  const schema = compileRngSchema('memo.rng', () =>
    `<element name="domain" xmlns="http://relaxng.org/ns/structure/1.0"><attribute name="type"/><zeroOrMore><choice>
  <element name="name"><text/></element><element name="uuid"><text/></element><element name="os"><element name="type"><attribute name="machine"/><text/></element></element>
  <element name="devices"><zeroOrMore><choice><element name="disk"><attribute name="type"/><attribute name="device"/><element name="source"><attribute name="file"/></element><element name="target"><attribute name="dev"/><attribute name="bus"/></element></element>
  <element name="interface"><attribute name="type"/><element name="mac"><attribute name="address"/></element><element name="source"><attribute name="bridge"/></element></element></choice></zeroOrMore></element></choice></zeroOrMore></element>`,
  );
  const r = heldMb((text) => validateText(schema, text));
  assert.deepEqual(r.kept[3], [], 'the documents are valid');
  assert.ok(r.mb < 3, `validating ${COUNT} documents left ${r.mb.toFixed(1)} MB held`);
});

test('ownString gives an equal string', () => {
  for (const s of ['', 'a', 'x'.repeat(12), 'a-rather-long-value', 'ünïcödé 🙂 value here']) assert.equal(ownString(s), s);
});
