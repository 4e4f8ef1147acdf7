// A compiled schema read back from the cache builds its patterns lazily (relaxng/serialize.ts),
// in an order that depends on the documents met. Every message must still be word for word what a
// fresh compile gives: libvirt's domain.rng over the corpus and Jing's mutated documents, the
// bundled schema, every fixture folder; documents in order, in reverse, and each alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRngSchemaFile } from '../../../src/core/io/schemaFiles';
import { deserializeSchema, serializeSchema } from '../../../src/core/relaxng/serialize';
import { validateText, type RngSchema } from '../../../src/core/relaxng/index';
import { repoRoot } from '../helpers/tempProject';

const FIX = join(__dirname, '../../fixtures/relaxng');
const CORPUS = join(__dirname, '../../fixtures/libvirt-domains');
const LIBVIRT = '/usr/share/libvirt/schemas/domain.rng';
const BUNDLED = join(repoRoot, 'schemas', 'domain-template.rng');

type Messages = string[][];

const messages = (schema: RngSchema, docs: string[], code?: 'libvirt-schema'): Messages =>
  docs.map((t) => validateText(schema, t, code ? { code } : undefined).map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${d.severity} ${d.message}`));

/** Fresh compile vs cached body: all documents through one lazy schema, then in reverse, then each through its own. */
function sameAsFresh(schemaFile: string, docs: string[], code?: 'libvirt-schema'): Messages {
  const fresh = compileRngSchemaFile(schemaFile);
  const body = serializeSchema(fresh);
  const want = messages(fresh, docs, code);
  assert.deepEqual(messages(deserializeSchema(body, fresh.file), docs, code), want, `${schemaFile}: in order`);
  assert.deepEqual(messages(deserializeSchema(body, fresh.file), [...docs].reverse(), code).reverse(), want, `${schemaFile}: in reverse`);
  docs.forEach((d, i) => assert.deepEqual(messages(deserializeSchema(body, fresh.file), [d], code)[0], want[i], `${schemaFile}: document ${i} alone`));
  return want;
}

function mutations(): Array<[string, string]> {
  const spec = JSON.parse(readFileSync(join(FIX, 'libvirt-mutations.json'), 'utf8')) as { base: string; mutations: Record<string, Array<[string, string]>> };
  return Object.entries(spec.mutations).map(([name, edits]) => {
    let text = readFileSync(join(CORPUS, spec.base), 'utf8');
    for (const [from, to] of edits) text = text.replace(from, to);
    return [name, text];
  });
}

test('lazy cache read: libvirt domain.rng gives the messages of a fresh compile (corpus and mutated documents)', () => {
  assert.ok(existsSync(LIBVIRT), `${LIBVIRT} is missing: install the Debian package libvirt0`);
  const corpus = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort().map((f) => readFileSync(join(CORPUS, f), 'utf8'));
  const mutated = mutations();
  const docs = [...corpus, ...mutated.map(([, text]) => text)];
  const want = sameAsFresh(LIBVIRT, docs, 'libvirt-schema');
  // Several datatypes are listed in schema order (basictypes.rng's UUID: {32} first; Jing
  // happens to list these two the other way round), whatever order the patterns were built in.
  const uuid = mutated.findIndex(([name]) => name === 'bad-uuid');
  assert.deepEqual(want[corpus.length + uuid], [
    '2:8-2:18 libvirt-schema error character content "not-a-uuid" of element "uuid" is invalid; must be a string matching the regular expression "[a-fA-F0-9]{32}" or must be a string matching the regular expression "[a-fA-F0-9]{8}\\-([a-fA-F0-9]{4}\\-){3}[a-fA-F0-9]{12}"',
  ]);
  const faults = want.flat();
  assert.ok(faults.length >= 50, `${faults.length} messages compared`);
  // The messages that list alternatives are the ones creation order could have changed.
  assert.ok(faults.some((m) => / or /.test(m)), 'some message lists alternatives');
  sameAsFresh(BUNDLED, corpus);
});

test('lazy cache read: every fixture folder gives the messages of a fresh compile', () => {
  let folders = 0;
  let faults = 0;
  for (const dir of readdirSync(FIX, { withFileTypes: true })) {
    const schemaFile = join(FIX, dir.name, 'schema.rng');
    if (!dir.isDirectory() || !existsSync(schemaFile)) continue;
    const docs = readdirSync(join(FIX, dir.name)).filter((f) => f.endsWith('.xml')).sort().map((f) => readFileSync(join(FIX, dir.name, f), 'utf8'));
    faults += sameAsFresh(schemaFile, docs).flat().length;
    folders++;
  }
  assert.ok(folders >= 15, `${folders} fixture folders`);
  assert.ok(faults >= 20, `${faults} messages compared`);
});
