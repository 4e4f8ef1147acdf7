import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileXsdRegex, xsdRegexOf, xsdRegexToJs, XsdRegexError } from '../../../src/core/relaxng/xsdRegex';

const m = (re: string, s: string) => compileXsdRegex(re).test(s);

test('implicit anchoring; ^ and $ are ordinary characters', () => {
  assert.equal(m('[0-9]+', '12a'), false);
  assert.equal(m('[0-9]+', 'a12'), false);
  assert.equal(m('a^b$', 'a^b$'), true);
  assert.equal(m('$[ ]*[a-z]+', '$ ab'), true);
  assert.equal(m('ab|cd', 'abcd'), false);
  assert.equal(m('ab|cd', 'cd'), true);
});

test('multi-character escapes follow XSD, not JavaScript', () => {
  assert.equal(m('\\d+', '\u0661\u0662'), true); // Arabic-Indic digits are \p{Nd}
  assert.equal(m('\\s', '\u00a0'), false); // XSD \s is only space, tab, CR, LF
  assert.equal(m('\\S+', 'a\u00a0b'), true);
  assert.equal(m('\\i\\c*', 'xsl:value-of'), true);
  assert.equal(m('\\i\\c*', '1abc'), false);
  assert.equal(m('\\I', '1'), true);
  assert.equal(m('\\w+', 'été'), true);
  assert.equal(m('\\w', '-'), false);
  assert.equal(m('.', '\n'), false);
  assert.equal(m('.', '😀'), true); // one code point, thanks to the u flag
  assert.equal(m('\\p{Lu}\\P{Lu}', 'Ab'), true);
  assert.equal(m('\\p{IsBasicLatin}+', 'abc'), true);
  assert.equal(m('\\p{IsBasicLatin}', 'é'), false);
});

test('character classes: ranges, negation, escapes, subtraction', () => {
  assert.equal(m('[a-z-[aeiou]]+', 'xyz'), true);
  assert.equal(m('[a-z-[aeiou]]+', 'xaz'), false);
  assert.equal(m('[\\p{L}-[a-z]]', 'A'), true);
  assert.equal(m('[\\p{L}-[a-z]]', 'q'), false);
  assert.equal(m('[^a-c]', 'd'), true);
  assert.equal(m('[^\\S]', ' '), true);
  assert.equal(m('[\\S\\d]+', 'x1'), true);
  assert.equal(m('[a-zA-Z0-9_\\-.]+', 'a-b.c'), true);
  assert.equal(m('[-a]+', '-a'), true);
  assert.equal(m('[a-]+', '-a'), true);
  assert.equal(m('[0-9a-zA-F -_,.:;=]{0,255}', 'AF 09 :='), true);
  assert.equal(m('[\\^\\[\\]]+', '^[]'), true);
});

test('quantifiers', () => {
  assert.equal(m('(0x)?[0-9a-fA-F]{1,4}', '0xbeef'), true);
  assert.equal(m('(0x)?[0-9a-fA-F]{1,4}', '0xbeef0'), false);
  assert.equal(m('a{2,}', 'aaaa'), true);
  assert.equal(m('a{2,}', 'a'), false);
  assert.equal(m('a{3}', 'aaa'), true);
});

test('translation uses the u flag and anchors', () => {
  const src = xsdRegexToJs('[a-f]+');
  assert.ok(src.startsWith('^(?:') && src.endsWith(')$'));
  assert.doesNotThrow(() => new RegExp(src, 'u'));
});

test('catastrophic patterns run in linear time', () => {
  for (const re of ['(a+)+b', '(a|a)*b', '(a*)*b', '((a|b)*c?)*d']) {
    const r = compileXsdRegex(re);
    assert.equal(r.linear, true, re);
    const t0 = performance.now();
    assert.equal(r.test('a'.repeat(5000) + 'x'), false);
    assert.ok(performance.now() - t0 < 1000, `${re} took too long`);
  }
  assert.equal(compileXsdRegex('(a+)+b').test('aaab'), true);
  // Polynomial backtracking on long input is avoided too.
  const poly = compileXsdRegex('[a-z]*[a-z]*[a-z]*b');
  const t1 = performance.now();
  assert.equal(poly.test('a'.repeat(20000)), false);
  assert.equal(poly.test('ab'), true);
  assert.ok(performance.now() - t1 < 1000);
  assert.equal(compileXsdRegex('((NEW|EST)(,(NEW|EST))*|NONE)').test('NEW,EST,NEW'), true);
});

test('a kept translation (compiled-schema cache) matches as the compiled expression does', () => {
  const inputs = ['', 'a', 'ab', 'aaab', 'NEW,EST', 'x9', '10.0.0.1', 'a'.repeat(300) + 'b', 'a'.repeat(300), 'é', '\u{1F600}'];
  // RegExp; RegExp and the linear matcher beyond 256 characters; the linear matcher.
  for (const [re, matcher] of [['[a-z]+[0-9]?', 0], ['\\p{L}+', 0], ['[a-z]*[a-z]*b', 1], ['(a+)+b', 2], ['((NEW|EST)(,(NEW|EST))*|NONE)', 2]] as const) {
    const compiled = compileXsdRegex(re);
    assert.equal(compiled.matcher, matcher, re);
    const kept = xsdRegexOf(re, [compiled.source, compiled.matcher]);
    assert.ok(kept, re);
    assert.equal(kept.source, compiled.source);
    assert.equal(kept.linear, compiled.linear);
    for (const s of inputs) assert.equal(kept.test(s), compiled.test(s), `${re} on ${s.slice(0, 20)}`);
  }
  // A source that is no expression (a damaged entry): none, the caller compiles the expression.
  assert.equal(xsdRegexOf('a+', ['^(?:a+$', 0]), undefined);
});

test('malformed expressions are rejected with a reason', () => {
  for (const re of ['[a-', '(ab', 'a{2,1}', '\\q', '*a', '[]', 'a{1001}', '[z-a]', '\\p{Foo}', 'a{']) {
    assert.throws(() => compileXsdRegex(re), XsdRegexError, re);
  }
});
