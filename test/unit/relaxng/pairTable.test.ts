// The derivative memos and the interning of patterns are PairTables (pairTable.ts): a hash map
// from a pair of integers to an integer in one Int32Array. A wrong lookup there would be a wrong
// verdict far away, so the table is checked against a Map over many operations, and the
// memos' renumbering of values (derive.ts, beyond 100,000 distinct texts and attribute values)
// against the verdicts they must keep giving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABSENT, PairTable } from '../../../src/core/relaxng/pairTable';
import { compileRngSchema, validateText } from '../../../src/core/relaxng/index';

/** A small deterministic generator (the same operations on every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

test('a PairTable gives what a Map of the same pairs gives, through growth, updates and clears', () => {
  const next = lcg(7);
  const t = new PairTable(16);
  const m = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 30_000; i++) {
      const r = next();
      // Few distinct a's with many b's and the reverse; negative and large b's (the memos use
      // -2, -3, ... for sets of attribute patterns, value numbers up to millions).
      const a = r % 3 === 0 ? r % 7 : (r >>> 3) % 5000;
      const b = r % 5 === 0 ? -2 - (r % 40) : r % 11 === 0 ? (r >>> 1) % 2_000_000_000 : (r >>> 7) % 300;
      const v = next() % 1_000_000;
      t.set(a, b, v);
      m.set(`${a},${b}`, v);
      if (i % 7 === 0) {
        const qa = next() % 5000;
        const qb = (next() % 400) - 100;
        assert.equal(t.get(qa, qb), m.get(`${qa},${qb}`) ?? ABSENT, `get(${qa}, ${qb})`);
      }
    }
    assert.equal(t.size, m.size);
    for (const [k, v] of m) {
      const [a, b] = k.split(',').map(Number);
      assert.equal(t.get(a, b), v, `get(${a}, ${b})`);
    }
    t.clear();
    m.clear();
    assert.equal(t.size, 0);
    assert.equal(t.get(1, 1), ABSENT);
  }
});

test('a PairTable keeps nothing for a negative first number (patterns made for a message only)', () => {
  const t = new PairTable();
  t.set(-1, 5, 9);
  assert.equal(t.size, 0);
  assert.equal(t.get(-1, 5), ABSENT);
  assert.equal(t.get(0, 5), ABSENT);
  // A free slot is not a pair (0, 0) with value 0.
  assert.equal(t.get(0, 0), ABSENT);
  t.set(0, 0, 0);
  assert.equal(t.get(0, 0), 0);
});

test('verdicts on texts and attribute values stay right when the memos number values afresh', () => {
  const schema = compileRngSchema(
    '/s/values.rng',
    () => `<element name="r" xmlns="http://relaxng.org/ns/structure/1.0" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <zeroOrMore><element name="v"><attribute name="n"><data type="int"/></attribute><data type="int"/></element></zeroOrMore>
</element>`,
  );
  // More distinct values than the memos number (100,000) before starting afresh, in documents
  // of 5,000 elements; the same values are asked again after the renumbering.
  const docs = 24;
  const per = 5_000;
  for (let d = 0; d < docs; d++) {
    const parts: string[] = [];
    for (let i = 0; i < per; i++) {
      const k = d * per + i;
      parts.push(`<v n="${k}">${-k}</v>`);
    }
    // One bad attribute value and one bad text per document, among the valid ones.
    parts[d % per] = `<v n="x${d}">1</v>`;
    parts[(d * 7 + 3) % per] = `<v n="1">y${d}</v>`;
    const found = validateText(schema, `<r>${parts.join('')}</r>`).map((x) => x.message);
    assert.deepEqual(found, [`value "x${d}" of attribute "n" is invalid; must be an integer (32-bit)`, `character content "y${d}" of element "v" is invalid; must be an integer (32-bit)`], `document ${d}`);
  }
  // Values first seen before the renumbering, asked again after it.
  assert.deepEqual(validateText(schema, '<r><v n="17">-17</v><v n="x0">1</v><v n="3">y0</v></r>').map((x) => x.message), [
    'value "x0" of attribute "n" is invalid; must be an integer (32-bit)',
    'character content "y0" of element "v" is invalid; must be an integer (32-bit)',
  ]);
});
