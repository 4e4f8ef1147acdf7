// Mutated real libvirt documents (edits in test/fixtures/relaxng/libvirt-mutations.json applied
// to a corpus document) against Jing's recorded verdicts, error lines and error counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateText } from '../../../src/core/relaxng/index';
import { compileRngSchemaFile } from '../../../src/core/io/schemaFiles';

const FIXTURES = join(__dirname, '../../fixtures/relaxng');
const CORPUS = join(__dirname, '../../fixtures/libvirt-domains');

const spec = JSON.parse(readFileSync(join(FIXTURES, 'libvirt-mutations.json'), 'utf8')) as { base: string; mutations: Record<string, Array<[string, string]>> };
const jing = JSON.parse(readFileSync(join(FIXTURES, 'libvirt-mutations.jing.json'), 'utf8')) as Record<
  string,
  { valid: boolean; errors: Array<{ line: number; column: number; message: string }> }
>;

function mutated(name: string): string {
  let text = readFileSync(join(CORPUS, spec.base), 'utf8');
  for (const [from, to] of spec.mutations[name]) text = text.replace(from, to);
  return text;
}

test('mutated libvirt documents: every fault Jing reports, on its line', () => {
  const schema = compileRngSchemaFile('/usr/share/libvirt/schemas/domain.rng');
  assert.deepEqual(validateText(schema, readFileSync(join(CORPUS, spec.base), 'utf8')), []);
  for (const name of Object.keys(spec.mutations)) {
    const diags = validateText(schema, mutated(name), { code: 'libvirt-schema' });
    const want = jing[name];
    const got = diags.map((d) => `${d.range.start.line + 1}: ${d.message}`);
    assert.equal(diags.length === 0, want.valid, `${name}: ${got.join(' | ')}`);
    assert.deepEqual(
      diags.map((d) => d.range.start.line + 1),
      want.errors.map((e) => e.line),
      `${name}: ours ${got.join(' | ')}\nJing ${want.errors.map((e) => `${e.line}: ${e.message}`).join(' | ')}`,
    );
    for (const d of diags) assert.equal(d.code, 'libvirt-schema');
  }
});

test('messages say what was found, where, and what was expected', () => {
  const schema = compileRngSchemaFile('/usr/share/libvirt/schemas/domain.rng');
  const first = (name: string) => validateText(schema, mutated(name))[0];
  const text = (name: string) => mutated(name).split('\n');

  const sync = first('clock-sync-attribute');
  assert.equal(sync.message, 'attribute "sync" not allowed on element "clock"; expected attribute "adjustment"');
  // The range is the attribute itself.
  const line = text('clock-sync-attribute')[sync.range.start.line];
  assert.equal(line.slice(sync.range.start.character, sync.range.end.character), 'sync="yes"');

  const bus = first('disk-bus-value');
  assert.match(bus.message, /^value "virtio-blk" of attribute "bus" is invalid; must be equal to "fdc", "ide", .* or "xen"$/);
  assert.equal(text('disk-bus-value')[bus.range.start.line].slice(bus.range.start.character, bus.range.end.character), 'virtio-blk');

  assert.equal(first('missing-name').message, 'element "domain" incomplete; missing required element "name"');
  assert.equal(first('missing-target-dev').message, 'element "target" missing required attribute "dev"');
  assert.match(first('unknown-device').message, /^element "frobnicator" not allowed anywhere; expected the element end-tag or element "audio", "channel", "console",/);
  assert.match(first('memory-not-a-number').message, /^character content "lots" of element "memory" is invalid; must be an integer/);
  assert.match(first('text-in-empty-element').message, /^text "on" not allowed here; expected the element end-tag$/);
  const mem = first('memory-not-a-number');
  assert.equal(text('memory-not-a-number')[mem.range.start.line].slice(mem.range.start.character, mem.range.end.character), 'lots');
});
