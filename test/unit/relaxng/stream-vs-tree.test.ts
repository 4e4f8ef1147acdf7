// The two ways into the validator agree: validateText reads a text as the parser's events and
// builds no tree (`vmctx rng`), validateDocument replays a parsed tree as the same events (check,
// the editor). Over the libvirt corpus and damaged variants of it (xmlMutator.ts), every
// diagnostic, its range and the error limit must come out the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateDocument, validateText } from '../../../src/core/relaxng/index';
import { compileRngSchemaFile } from '../../../src/core/io/schemaFiles';
import { parseXml } from '../../../src/core/xml/parse';
import { mutate } from './xmlMutator';
import { seededRandom } from '../helpers/random';

const SCHEMA = '/usr/share/libvirt/schemas/domain.rng';
const CORPUS = join(__dirname, '../../fixtures/libvirt-domains');

test('streaming and tree validation give the same diagnostics on 1,500 damaged libvirt documents', () => {
  assert.ok(existsSync(SCHEMA), `${SCHEMA} is missing: install the Debian package libvirt0`);
  const schema = compileRngSchemaFile(SCHEMA);
  const texts = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => readFileSync(join(CORPUS, f), 'utf8'));
  assert.ok(texts.length >= 100, `the corpus in ${CORPUS} is missing`);
  const random = seededRandom(16);
  const kinds = new Map<string, number>();
  const differ: string[] = [];
  for (let i = 0; i < 1500; i++) {
    let text = texts[i % texts.length];
    const what: string[] = [];
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
      const m = mutate(text, random);
      text = m.text;
      what.push(m.what);
    }
    // Some with a low error limit: the same first faults are kept.
    const options = i % 7 === 0 ? { maxErrors: 2 } : {};
    const streamed = validateText(schema, text, options);
    const tree = validateDocument(schema, parseXml(text, { cache: false }), options);
    if (JSON.stringify(streamed) !== JSON.stringify(tree)) differ.push(`variant ${i} (${what.join('; ')}): ${JSON.stringify(streamed[0])} / ${JSON.stringify(tree[0])}`);
    for (const d of tree) {
      const kind = d.code === 'xml-malformed' ? 'malformed' : (/incomplete|not allowed (yet|anywhere|in)|missing required attribute|attribute "[^"]*" not allowed|of attribute|character content|text "/.exec(d.message)?.[0] ?? 'other');
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
  }
  assert.deepEqual(differ, []);
  // The variants reach every kind of fault, so the agreement above says something.
  for (const kind of ['malformed', 'incomplete', 'not allowed in', 'not allowed anywhere', 'missing required attribute', 'of attribute', 'character content', 'text "']) {
    assert.ok((kinds.get(kind) ?? 0) >= 3, `too few "${kind}" faults among the variants: ${JSON.stringify([...kinds])}`);
  }
});

test('validateText keeps one walker per schema: nothing of a text (faults, open elements, a stopped parse) reaches the next, and a trimmed schema gets a new one', () => {
  const fix = join(__dirname, '../../fixtures/relaxng/interleave');
  const schema = compileRngSchemaFile(join(fix, 'schema.rng'));
  const bad = readFileSync(join(fix, 'bad-value.xml'), 'utf8');
  const ok = readFileSync(join(fix, 'ok-mixed-order.xml'), 'utf8');
  const fresh = (text: string, maxErrors?: number) => validateDocument(schema, parseXml(text, { cache: false }), { maxErrors });
  const expectedBad = fresh(bad);
  assert.equal(expectedBad.length, 2);
  // Cut inside an element, inside a start tag, before any: the parse stops with elements open.
  const cuts = [bad.slice(0, bad.indexOf('<disk')), bad.slice(0, bad.indexOf('type="file"')), '<devices><disk type="network"><bogus>'];
  const sequence: Array<[string, number | undefined]> = [[bad, undefined], ...cuts.map((c): [string, undefined] => [c, undefined]), [ok, undefined], [bad, 1], [ok, 1], [bad, undefined], [ok, undefined]];
  for (const [text, maxErrors] of sequence) assert.deepEqual(validateText(schema, text, { maxErrors }), fresh(text, maxErrors), JSON.stringify(text.slice(0, 60)));
  assert.equal(schema.trim(0), true);
  assert.deepEqual(validateText(schema, bad), expectedBad);
  assert.deepEqual(validateText(schema, ok), []);
});
