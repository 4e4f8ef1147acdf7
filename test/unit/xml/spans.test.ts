// Details of the tree that the differential tests cannot take from saxes: where the old
// implementation was wrong, and what the lazily made spans promise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, childElements } from '../../../src/core/xml/parse';

const slice = (t: string, s: { start: number; end: number } | undefined) => (s ? t.slice(s.start, s.end) : undefined);

test('an end tag directly followed by another one has its own span (the saxes-based parser gave an empty one)', () => {
  const text = '<a><b>x</b></a>';
  const doc = parseXml(text);
  const [b] = childElements(doc.root!);
  assert.equal(slice(text, b.endTag), '</b>');
  assert.equal(slice(text, b.span), '<b>x</b>');
  assert.equal(slice(text, doc.root!.endTag), '</a>');
});

test('text after a comment starts after the comment (the saxes-based parser started it on its >)', () => {
  const text = '<a>x<!-- c -->y</a>';
  const t = parseXml(text).root!.children[1];
  assert.equal(t.kind, 'text');
  assert.equal(slice(text, t.span), 'y');
});

test('values: line ends and attribute-value normalisation, references kept as written', () => {
  const text = '<a v="1\r\n2\t3&#10;4&#13;5&#9;6">x\r\ny\rz&#13;</a>';
  const root = parseXml(text).root!;
  assert.equal(root.attributes[0].value, '1 2 3\n4\r5\t6');
  assert.equal(slice(text, root.attributes[0].valueSpan), '1\r\n2\t3&#10;4&#13;5&#9;6');
  assert.deepEqual(root.children.map((c) => c.kind === 'text' && c.value), ['x\ny\nz\r']);
});

test('namespaces: xml is bound, xmlns attributes are in the xmlns namespace, defaults do not apply to attributes', () => {
  const root = parseXml('<r xmlns="urn:d" xmlns:q="urn:q" xml:lang="en" q:a="1" b="2"><q:c/></r>').root!;
  assert.equal(root.uri, 'urn:d');
  assert.deepEqual(root.attributes.map((a) => [a.name, a.prefix, a.local, a.uri]), [
    ['xmlns', '', 'xmlns', 'http://www.w3.org/2000/xmlns/'],
    ['xmlns:q', 'xmlns', 'q', 'http://www.w3.org/2000/xmlns/'],
    ['xml:lang', 'xml', 'lang', 'http://www.w3.org/XML/1998/namespace'],
    ['q:a', 'q', 'a', 'urn:q'],
    ['b', '', 'b', ''],
  ]);
  assert.equal(childElements(root)[0].uri, 'urn:q');
});

test('spans are made once: the same object on every read, and assignable', () => {
  const doc = parseXml('<a x="1">t</a>', { maxDepth: 10 });
  const root = doc.root!;
  assert.equal(root.span, root.span);
  assert.equal(root.attributes[0].valueSpan, root.attributes[0].valueSpan);
  assert.equal(root.children[0].span, root.children[0].span);
  assert.equal(doc.lines, doc.lines);
  root.endTag = undefined;
  assert.equal(root.endTag, undefined);
  assert.deepEqual(root.startTag, { start: 0, end: 9 });
  assert.equal(root.kind, 'element');
  assert.equal(root.children[0].kind, 'text');
});

test('errors: the first one, where it is, with the partial tree kept', () => {
  const text = '<domain>\n  <devices>\n    <disk a="1" a="2"/>\n  </devices>\n</domain>';
  const doc = parseXml(text);
  assert.match(doc.error!.message, /duplicate attribute a/);
  assert.equal(slice(text, doc.error!.span), 'a');
  assert.equal(doc.error!.span.start, text.lastIndexOf('a="2"'));
  assert.equal(childElements(doc.root!)[0].name, 'devices');
  assert.equal(childElements(doc.root!)[0].closed, false);
  const nul = parseXml('<a>\u0000</a>');
  assert.match(nul.error!.message, /U\+0000 is not allowed/);
  assert.deepEqual(nul.error!.span, { start: 3, end: 4 });
  const dtd = parseXml('<!DOCTYPE a [<!ENTITY e "x">]><a>&f;</a>');
  assert.match(dtd.error!.message, /undefined entity &f;: declare it in the DTD/);
  assert.deepEqual(dtd.error!.span, { start: 33, end: 36 });
});
