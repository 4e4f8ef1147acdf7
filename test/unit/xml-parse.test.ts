import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml, wellFormednessDiagnostics, childElements, textContent } from '../../src/core/xml/parse';

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

test('internal entities are expanded (XML 1.0 section 4.4); an entity bomb is a clear error, quickly', () => {
  const small = parseXml('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<lolz>&lol2;</lolz>');
  assert.equal(small.error, undefined);
  assert.equal(textContent(small.root!), 'lol'.repeat(4));
  // "Billion laughs": 10^9 characters if expanded.
  const decls = Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
  const text = `<!DOCTYPE a [<!ENTITY l0 "lol">${decls}]>\n<a>&l9;</a>`;
  const t0 = performance.now();
  const [d] = wellFormednessDiagnostics(parseXml(text));
  assert.ok(performance.now() - t0 < 5000);
  assert.match(d.message, /entity expansion produces more than 1000000 characters/);
  assert.deepEqual([d.range.start.line, d.range.start.character], [1, 3]);
  // Loops and too deep chains are errors as well.
  assert.match(parseXml('<!DOCTYPE a [<!ENTITY a "&b;"><!ENTITY b "&a;">]><a>&a;</a>').error!.message, /refers to itself \(&a; → &b; → &a;\)/);
  const chain = Array.from({ length: 40 }, (_, i) => `<!ENTITY e${i} "&e${i + 1};">`).join('') + '<!ENTITY e40 "x">';
  assert.match(parseXml(`<!DOCTYPE a [${chain}]><a>&e0;</a>`).error!.message, /nested more than 32 deep/);
});

test('entities: replacement text is read as content or as an attribute value (XML 1.0 sections 4.4, 4.5, 3.3.3)', () => {
  const doc = parseXml('<!DOCTYPE a [<!ENTITY e "caf&#233;"><!ENTITY amp2 "&#38;#38;"><!ENTITY ws "x\ty"><!ENTITY e "second">]><a v="&e;&ws;">&e; &amp2; &ws;</a>');
  assert.equal(doc.error, undefined);
  assert.equal(textContent(doc.root!), 'café & x\ty');
  // In an attribute value the tab of the replacement text is normalised to a space.
  assert.equal(doc.root!.attributes[0].value, 'caféx y');
  const refuse = (text: string, message: RegExp) => assert.match(parseXml(text).error?.message ?? 'accepted', message);
  refuse('<!DOCTYPE a [<!ENTITY e "&#60;b/>">]><a>&e;</a>', /entity &e; contains markup: only entities of text are expanded/);
  refuse('<!DOCTYPE a [<!ENTITY e "&#60;">]><a x="&e;"/>', /'<' is not allowed in an attribute value \(it comes from entity &e;\)/);
  refuse('<!DOCTYPE a [<!ENTITY e SYSTEM "e.xml">]><a>&e;</a>', /entity &e; is external/);
  refuse('<!DOCTYPE a [<!ENTITY e "&nope;">]><a>&e;</a>', /in entity &e;: undefined entity &nope;/);
  refuse('<!DOCTYPE a [<!ENTITY e "a % b">]><a/>', /parameter-entity reference is not allowed/);
  refuse('<!DOCTYPE a [<!ENTITY e "a & b">]><a/>', /'&' in an entity value must start a reference/);
});

test('empty and binary input gives one clear error', () => {
  assert.match(wellFormednessDiagnostics(parseXml(''))[0].message, /root element|document/);
  const bin = String.fromCharCode(0, 1, 2, 255, 0x89) + 'PNG';
  assert.equal(wellFormednessDiagnostics(parseXml(bin)).length, 1);
});

test('deep nesting is well-formed: 100,000 levels parse without a stack overflow; maxDepth still refuses', () => {
  const depth = 100_000;
  const doc = parseXml('<a>'.repeat(depth) + '</a>'.repeat(depth));
  assert.equal(doc.error, undefined);
  let d = 0;
  for (let el = doc.root; el; el = el.children[0] as typeof el) d++;
  assert.equal(d, depth);
  assert.match(parseXml('<a>'.repeat(50) + '</a>'.repeat(50), { maxDepth: 20 }).error!.message, /nested deeper than 20/);
});
