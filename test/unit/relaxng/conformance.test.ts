// RELAX NG conformance, written from the specification (OASIS, 3 December 2001): each schema in
// test/fixtures/relaxng/schema-errors named after a section breaks one rule of it, and must be
// refused for that rule (the place is checked against Jing by constructs.test.ts). The schemas
// that are fine once simplified are in fixtures/relaxng/simplified (documents checked there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compileRngSchema, RngSchemaError, validateText } from '../../../src/core/relaxng/index';
import { compileRngSchemaFile } from '../../../src/core/io/schemaFiles';

const D = join(__dirname, '../../fixtures/relaxng/schema-errors');
const RNG = 'xmlns="http://relaxng.org/ns/structure/1.0"';

function problems(file: string, loader?: (p: string) => string): string[] {
  try {
    if (loader) compileRngSchema(file, loader);
    else compileRngSchemaFile(file);
  } catch (e) {
    if (e instanceof RngSchemaError) return e.problems.map((p) => p.message);
    throw e;
  }
  return [];
}

const inMemory = (text: string) => problems('/m/s.rng', (p) => {
  if (p !== '/m/s.rng') throw new Error(`ENOENT: no such file, open '${p}'`);
  return text;
});

/** The first problem of each schema, by the rule it breaks. */
const EXPECTED: Record<string, RegExp> = {
  // Section 3: the syntax allows these attributes and children only.
  's3-two-excepts': /at most one <except> is allowed in <anyName>/,
  's3-attribute-on-empty': /illegal attribute "foo" on <empty>/,
  's3-rng-namespace-attribute': /attribute name "foo" incorrectly qualified with RELAX NG namespace URI/,
  's3-child-in-ref': /<empty> is not allowed in <ref> \(it must be empty\)/,
  's3-child-in-parentref': /<empty> is not allowed in <parentRef>/,
  's3-child-in-externalref': /<empty> is not allowed in <externalRef>/,
  's3-name-on-start': /illegal attribute "name" on <start>/,
  's3-key-attribute': /illegal attribute "key" on <attribute>/,
  's3-keyref-attribute': /illegal attribute "keyRef" on <attribute>/,
  's3-element-in-name': /<empty> is not allowed in <name>/,
  's3-element-in-value': /<value> must contain text only/,
  // Section 3: datatypeLibrary is an absolute URI without a fragment, or empty.
  'dl-relative': /must not be relative \("xsd"\)/,
  'dl-fragment': /must not have a fragment identifier/,
  'dl-bad-escape': /not a valid URI reference according to RFC 2396/,
  // Sections 3 and 4.10: names are NCNames, or QNames with a declared prefix.
  'name-empty': /^"" is not a valid local name/,
  'name-two-colons': /^"y:z" is not a valid local name/,
  'name-ref-space': /^"x y" is not a valid local name/,
  'name-digit': /^"1a" is not a valid local name/,
  'name-empty-local': /^"" is not a valid local name/,
  // Section 4.16: what an except may hold, and no xmlns attributes.
  'nc-anyname-except-anyname': /"except" in "anyName" contains "anyName"/,
  'nc-nsname-except-nsname': /"except" in "nsName" contains "nsName"/,
  'nc-nsname-except-anyname': /"except" in "nsName" contains "anyName"/,
  'nc-attribute-xmlns': /attribute must not be named "xmlns"/,
  'nc-attribute-xmlns-choice': /attribute must not be named "xmlns"/,
  'nc-attribute-xmlns-ns': /attribute must not have namespace URI "http:\/\/www.w3.org\/2000\/xmlns"/,
  'nc-attribute-xmlns-nsname': /attribute must not have namespace URI/,
  // Sections 4.16-4.18 and 6: definitions no start reaches are still read and checked.
  'unreachable-unknown-type': /unknown datatype "integr"/,
  'unreachable-param-on-builtin': /"string" takes no parameters/,
  'unreachable-bad-facet': /unknown facet "colour"/,
  'unreachable-bad-value': /value "x" is not a valid "int"/,
  'unreachable-grammar-without-start': /<grammar> has no <start>/,
  // Section 7.2: a data or value pattern cannot be grouped with anything but attributes and empty.
  's72-data-data': /^group of "string" or "data" element/,
  's72-value-text': /^group of "string" or "data" element/,
  's72-data-element': /^group of "string" or "data" element/,
  's72-data-in-attribute': /^group of "string" or "data" element/,
  's72-repeated-data': /^repeat of "string" or "data" element/,
  's72-interleave-list-data': /^interleave of "string" or "data" element/,
  // Section 7.1, on the simplified schema.
  's7-define-reused-in-attribute': /<attribute> is not allowed inside <attribute>/,
  's7-start-choice-empty': /<empty> is not allowed in <start>/,
  's7-list-element-kept': /<element> is not allowed inside <list>/,
  // DTD Compatibility section 4: where ID-typed datatypes may be.
  'id-in-element-content': /ID-type ID must be the whole content of an "attribute" pattern/,
  'id-in-choice': /ID-type ID must be the whole content of an "attribute" pattern/,
  'id-wildcard-element': /must have a name class that contains only "choice" and "name" elements/,
  'id-conflicting-types': /conflicting ID-types for attribute "id" of element "doc"/,
};

test('each rule of the specification refuses the schema that breaks it, with that rule as the reason', () => {
  const wrong: string[] = [];
  for (const [name, want] of Object.entries(EXPECTED)) {
    const got = problems(join(D, `${name}.rng`));
    if (!got.length || !want.test(got[0])) wrong.push(`${name}: ${got[0] ?? 'accepted'}`);
  }
  assert.deepEqual(wrong, []);
});

test('names and URIs the syntax allows are accepted', () => {
  // Whitespace around names is ignored (section 4.2); foreign attributes are annotations (3);
  // an empty datatypeLibrary is the built-in library; an except may exclude a namespace.
  assert.deepEqual(inMemory(`<element name=" a " ${RNG} xmlns:f="urn:f" f:note="x" datatypeLibrary=""><data type=" token "/></element>`), []);
  assert.deepEqual(inMemory(`<element ${RNG}><name> p:a </name><empty/></element>`.replace('<element ', '<element xmlns:p="urn:p" ')), []);
  assert.deepEqual(inMemory(`<element name="a" ${RNG}><zeroOrMore><attribute><anyName><except><nsName ns="urn:x"/><name>b</name></except></anyName></attribute></zeroOrMore></element>`), []);
  assert.deepEqual(inMemory(`<element name="a" ${RNG}><attribute><name ns="http://www.w3.org/2000/xmlns/">x</name></attribute></element>`), []);
  assert.deepEqual(inMemory(`<element name="a" ${RNG} datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"><data type="int"/><attribute name="x"/></element>`), []);
});

test('a definition used both where an attribute may be and inside an attribute is refused', () => {
  // Jing reports it as well; reaching the definition first from a harmless place must not hide it.
  const ms = inMemory(`<grammar ${RNG}><start><element name="a"><ref name="at"/><attribute name="q"><ref name="at"/></attribute></element></start><define name="at"><attribute name="z"/></define></grammar>`);
  assert.match(ms[0] ?? '', /<attribute> is not allowed inside <attribute>/);
});

test('a bad recursion in a definition no start reaches is not an error (section 4.19 removes it)', () => {
  assert.deepEqual(inMemory(`<grammar ${RNG}><start><element name="a"><empty/></element></start><define name="u"><ref name="u"/></define></grammar>`), []);
});

test('schemas valid only once simplified: their documents validate', () => {
  const schema = compileRngSchemaFile(join(__dirname, '../../fixtures/relaxng/simplified/schema.rng'));
  assert.deepEqual(validateText(schema, '<doc n="7"><item>1</item></doc>'), []);
  assert.match(validateText(schema, '<doc a="1"><item>1</item></doc>')[0]?.message ?? '', /attribute "a" not allowed/);
});

test('IDs (DTD Compatibility section 4): each given once, every IDREF and IDREFS token refers to one', () => {
  const schema = compileRngSchemaFile(join(__dirname, '../../fixtures/relaxng/id-idref/schema.rng'));
  const at = (text: string) => validateText(schema, text).map((d) => `${d.range.start.line}:${d.range.start.character}: ${d.message}`);
  assert.deepEqual(at('<network><host name="gw"/><host name="web" gateway=" gw " peers="gw web"/></network>'), []);
  assert.deepEqual(at('<network>\n<host name="a"/>\n<host name="a" peers="a b"/>\n<link to="c"/></network>'), [
    '1:12: first occurrence of ID "a"',
    '2:12: ID "a" has already been defined',
    '2:22: IDREF "b" without matching ID',
    '3:10: IDREF "c" without matching ID',
  ]);
  // A schema without ID-types gives these attributes no meaning: nothing is checked.
  const plain = compileRngSchema('/m/p.rng', () => `<element name="a" ${RNG}><zeroOrMore><element name="b"><attribute name="id"/></element></zeroOrMore></element>`);
  assert.deepEqual(validateText(plain, '<a><b id="x"/><b id="x"/></a>'), []);
});
