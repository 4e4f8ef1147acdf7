// Bad input never hangs or overflows the stack: deep and huge documents, malformed schemas,
// pathological regexes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRngSchema, RngSchemaError, validateText } from '../../../src/core/relaxng/index';

const RNG = 'xmlns="http://relaxng.org/ns/structure/1.0"';
const mem = (files: Record<string, string>) => (path: string) => {
  const t = files[path];
  if (t === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
  return t;
};
const compile = (text: string, extra: Record<string, string> = {}) => compileRngSchema('/s/main.rng', mem({ '/s/main.rng': text, ...extra }));

function schemaError(f: () => unknown): RngSchemaError {
  try {
    f();
  } catch (e) {
    if (e instanceof RngSchemaError) return e;
    throw e;
  }
  assert.fail('expected a schema error');
}

test('deeply nested documents are validated without recursion trouble', () => {
  const schema = compile(`<grammar ${RNG}><start><ref name="a"/></start><define name="a"><element name="a"><optional><ref name="a"/></optional></element></define></grammar>`);
  const depth = 1900;
  const ok = '<a>'.repeat(depth) + '</a>'.repeat(depth);
  assert.deepEqual(validateText(schema, ok), []);
  const bad = '<a>'.repeat(depth) + '<b/>' + '</a>'.repeat(depth);
  const d = validateText(schema, bad);
  assert.equal(d.length, 1);
  assert.match(d[0].message, /element "b" not allowed/);
  // A well-formed document is never called malformed, however deep (iterative parse and walk).
  const deep = 100_000;
  assert.deepEqual(validateText(schema, '<a>'.repeat(deep) + '</a>'.repeat(deep)), []);
  const deepBad = validateText(schema, '<a>'.repeat(deep / 5) + '<b/>' + '</a>'.repeat(deep / 5));
  assert.equal(deepBad.length, 1);
  assert.match(deepBad[0].message, /element "b" not allowed/);
});

test('a large document validates quickly and errors are capped', () => {
  const schema = compile(`<element name="list" ${RNG}><zeroOrMore><element name="item"><attribute name="n"><data type="int" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"/></attribute><text/></element></zeroOrMore></element>`);
  const items = Array.from({ length: 10000 }, (_, i) => `<item n="${i % 1000}">v${i % 7}</item>\n`).join('');
  const t0 = performance.now();
  assert.deepEqual(validateText(schema, `<list>\n${items}</list>`), []);
  assert.ok(performance.now() - t0 < 5000);
  const bad = Array.from({ length: 5000 }, () => '<item n="x"/>').join('');
  assert.equal(validateText(schema, `<list>${bad}</list>`, { maxErrors: 100 }).length, 100);
});

test('malformed schemas give readable errors', () => {
  assert.match(schemaError(() => compile('<grammar')).message, /not well-formed/);
  assert.match(schemaError(() => compile('<foo/>')).message, /not a RELAX NG schema/);
  assert.match(schemaError(() => compile(`<element name="a" ${RNG}><bogus/></element>`)).message, /<bogus> is not a pattern/);
  assert.match(schemaError(() => compile(`<element ${RNG}/>`)).message, /needs a name attribute or a name class/);
  assert.match(schemaError(() => compile(`<grammar ${RNG}><define name="x"><empty/></define></grammar>`)).message, /has no <start>/);
  assert.match(schemaError(() => compile(`<element name="p:a" ${RNG}><empty/></element>`)).message, /undeclared namespace prefix "p"/);
  assert.match(schemaError(() => compile(`<grammar ${RNG}><include href="a.rng"/><start><empty/></start></grammar>`, { '/s/a.rng': `<grammar ${RNG}><include href="main.rng"/></grammar>` })).message, /include loop/);
  assert.match(schemaError(() => compile(`<element name="a" ${RNG}><externalRef href="missing.rng"/></element>`)).message, /cannot read schema "\/s\/missing\.rng"/);
  assert.match(schemaError(() => compile(`<element name="a" ${RNG}><list><element name="b"><empty/></element></list></element>`)).message, /<element> is not allowed inside <list>/);
  assert.match(schemaError(() => compile(`<grammar ${RNG}><start combine="choice"><element name="a"><empty/></element></start><start combine="interleave"><element name="b"><empty/></element></start></grammar>`)).message, /both with "choice" and with "interleave"/);
  // Nested far too deep: a clear error, not a stack overflow.
  const deep = `<element name="a" ${RNG}>` + '<group>'.repeat(1500) + '<empty/>' + '</group>'.repeat(1500) + '</element>';
  assert.match(schemaError(() => compile(deep)).message, /nested more than \d+ levels/);
});

test('huge choices and long chains of definitions compile', () => {
  const values = Array.from({ length: 5000 }, (_, i) => `<value>v${i}</value>`).join('');
  const big = compile(`<element name="a" ${RNG}><choice>${values}</choice></element>`);
  assert.deepEqual(validateText(big, '<a>v4999</a>'), []);
  assert.equal(validateText(big, '<a>w</a>').length, 1);
  const chain = (n: number) => {
    const defs = Array.from({ length: n }, (_, i) => `<define name="d${i}"><ref name="d${i + 1}"/></define>`).join('');
    return compile(`<grammar ${RNG}><start><element name="a"><ref name="d0"/></element></start>${defs}<define name="d${n}"><text/></define></grammar>`);
  };
  assert.deepEqual(validateText(chain(500), '<a>x</a>'), []);
  // Absurdly long chains end in a clear schema error.
  assert.match(schemaError(() => chain(5000)).message, /too deeply nested/);
});

test('a catastrophic pattern facet does not hang validation', () => {
  const schema = compile(`<element name="a" ${RNG}><data type="string" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"><param name="pattern">(a|aa)+(b+)+c</param></data></element>`);
  const t0 = performance.now();
  const d = validateText(schema, `<a>${'a'.repeat(20000)}${'b'.repeat(100)}</a>`);
  assert.equal(d.length, 1);
  assert.ok(performance.now() - t0 < 3000);
});

test('interned states are trimmed by recompiling when they grow too many', () => {
  const schema = compile(`<element name="a" ${RNG}><zeroOrMore><choice><element name="b"><empty/></element><element name="c"><empty/></element></choice></zeroOrMore></element>`);
  assert.deepEqual(validateText(schema, '<a><b/><c/></a>'), []);
  const before = schema.pool;
  assert.equal(schema.trim(1), true);
  assert.notEqual(schema.pool, before);
  assert.deepEqual(validateText(schema, '<a><b/><c/><b/></a>'), []);
  assert.equal(validateText(schema, '<a><d/></a>').length, 1);
});
