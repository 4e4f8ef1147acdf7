// An element's content is validated apart from what follows it in its parent (validate.ts,
// Frame.cont): the states inside an element are the same wherever it stands, so meeting the
// same element in a new context adds only the states of that context, not a copy of all the
// element's inner states (as Clark's After(content, rest) would). Messages and verdicts are the
// ones the algorithm gives: the corpus tests (corpus, libvirt-mutations, constructs) hold those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRngSchema, validateText } from '../../../src/core/relaxng/index';

const RNG = 'xmlns="http://relaxng.org/ns/structure/1.0" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"';
const N = 12;
// <r> holds any of a1..a12 at most once each, in any order, and items: after each ai the rest
// of <r> is a different state.
const schemaText = `<element name="r" ${RNG}><interleave>
  ${Array.from({ length: N }, (_, i) => `<optional><element name="a${i + 1}"><empty/></element></optional>`).join('\n  ')}
  <zeroOrMore><element name="item">
    <attribute name="id"><data type="int"/></attribute>
    <optional><attribute name="kind"><choice><value>x</value><value>y</value></choice></attribute></optional>
    <element name="c"><text/></element>
    <zeroOrMore><element name="d"><attribute name="n"/><data type="token"/></element></zeroOrMore>
  </element></zeroOrMore>
</interleave></element>`;
const item = '<item id="7" kind="x"><c>text</c><d n="1">one</d><d n="2">two</d></item>';

test('an element met again after a different sibling reuses the states of its content', () => {
  const schema = compileRngSchema('/s/shared.rng', () => schemaText);
  // The contexts themselves (<r> after each ai), and the item's content once.
  for (let i = 1; i <= N; i++) assert.deepEqual(validateText(schema, `<r><a${i}/></r>`), []);
  assert.deepEqual(validateText(schema, `<r><a1/>${item}</r>`), []);
  const before = schema.pool.size;
  for (let i = 2; i <= N; i++) assert.deepEqual(validateText(schema, `<r><a${i}/>${item}</r>`), []);
  const perContext = (schema.pool.size - before) / (N - 1);
  // Entering <item> in a new context and coming back out: a few states of <r>, none inside the
  // item (with After(content, rest) each context added every state of the item's walk again).
  assert.ok(perContext <= 4, `${perContext} new states per context`);
  // And the verdicts inside stay those of the content: errors are still found in any context.
  const bad = validateText(schema, `<r><a5/><item id="x"><d n="1">one</d></item></r>`).map((d) => d.message);
  assert.deepEqual(bad, ['value "x" of attribute "id" is invalid; must be an integer (32-bit)', 'element "d" not allowed yet; missing required element "c"']);
});
