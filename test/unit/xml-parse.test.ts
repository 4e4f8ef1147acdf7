import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, wellFormednessDiagnostics, childElements } from '../../src/core/xml/parse';

const slice = (t: string, s: { start: number; end: number }) => t.slice(s.start, s.end);

test('element, attribute and text spans are exact', () => {
  const text = `<?xml version="1.0"?>\r\n<domain type='kvm'  a:x = "1" xmlns:a="urn:a">\r\n  <name>deb&amp;ian</name><b/><![CDATA[z]]>\r\n</domain >`;
  const doc = parseXml(text);
  assert.equal(doc.error, undefined);
  const root = doc.root!;
  assert.equal(slice(text, root.nameSpan), 'domain');
  assert.equal(slice(text, root.span), text.slice(text.indexOf('<domain')));
  const [type, ax] = root.attributes;
  assert.equal(slice(text, type.span), `type='kvm'`);
  assert.equal(slice(text, type.nameSpan), 'type');
  assert.equal(slice(text, type.valueSpan), 'kvm');
  assert.equal(slice(text, ax.span), 'a:x = "1"');
  assert.equal(ax.uri, 'urn:a');
  assert.equal(ax.local, 'x');
  const [name, b] = childElements(root);
  assert.equal(slice(text, name.span), '<name>deb&amp;ian</name>');
  const t = name.children[0];
  assert.equal(t.kind, 'text');
  if (t.kind === 'text') {
    assert.equal(t.value, 'deb&ian');
    assert.equal(slice(text, t.span), 'deb&amp;ian');
  }
  assert.equal(slice(text, b.span), '<b/>');
  assert.ok(b.selfClosing);
  assert.equal(slice(text, root.endTag!), '</domain >');
  const cdata = root.children.find((c) => c.kind === 'text' && c.value === 'z');
  assert.ok(cdata && slice(text, cdata.span) === '<![CDATA[z]]>');
});

test('a missing closing tag is reported where the mismatch is', () => {
  const text = '<domain>\n  <name>x</name>\n  <devices>\n    <disk>\n  </devices>\n</domain>\n';
  const doc = parseXml(text);
  const [d] = wellFormednessDiagnostics(doc);
  assert.equal(d.code, 'xml-malformed');
  assert.equal(d.range.start.line, 4);
  assert.match(d.message, /<\/devices> does not match the open element <disk>/);
  // The partial tree is still there for completion.
  assert.equal(childElements(doc.root!).length, 2);
});

test('an unclosed root is reported at the end of the document', () => {
  const doc = parseXml('<domain>\n  <name>x</name>\n');
  const [d] = wellFormednessDiagnostics(doc);
  assert.match(d.message, /<domain> is never closed/);
  assert.equal(d.range.start.line, 1);
});

test('entity expansion attacks are refused, not expanded', () => {
  const bomb = '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<lolz>&lol2;</lolz>';
  const doc = parseXml(bomb);
  const [d] = wellFormednessDiagnostics(doc);
  assert.match(d.message, /not expanded/);
});

test('empty and binary input gives one clear error', () => {
  assert.match(wellFormednessDiagnostics(parseXml(''))[0].message, /root element|document/);
  const bin = String.fromCharCode(0, 1, 2, 255, 0x89) + 'PNG';
  assert.equal(wellFormednessDiagnostics(parseXml(bin)).length, 1);
});

test('deep nesting is refused with a clear error instead of a crash', () => {
  const depth = 5000;
  const doc = parseXml('<a>'.repeat(depth) + '</a>'.repeat(depth));
  assert.match(doc.error!.message, /nested deeper/);
});
