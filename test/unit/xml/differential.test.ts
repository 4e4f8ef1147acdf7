// Our XML parser against the saxes-based implementation it replaced (saxesOracle.ts): the same
// trees and spans on every real document, the same verdict on thousands of broken ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseXml } from '../../../src/core/xml/parse';
import { parseXml as oracleParse } from './saxesOracle';
import { corpusFiles, projectFiles, read, treeDifferences } from './compare';
import { seededRandom as random } from '../helpers/random';

// maxDepth bypasses both content caches: every call really parses.
const ours = (text: string) => parseXml(text, { maxDepth: 2000 });
const oracle = (text: string) => oracleParse(text, { maxDepth: 2000 });

/** Lone surrogates are not XML characters; saxes lets a lone high surrogate through, we do not. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function agree(name: string, text: string): string[] {
  const a = ours(text);
  const b = oracle(text);
  if (!!a.error !== !!b.error) {
    const verdict = (d: typeof a) => (d.error ? `error "${d.error.message}" at ${d.error.span.start}` : 'well-formed');
    return [`${name}: ours ${verdict(a)}, saxes ${verdict(b)}`];
  }
  return treeDifferences(text, a, b).map((d) => `${name}: ${d}`);
}

test('libvirt domain corpus: the same trees and spans as the saxes-based parser', () => {
  const files = corpusFiles();
  assert.ok(files.length >= 100, `corpus has ${files.length} files`);
  const problems = files.flatMap((f) => agree(path.basename(f), read(f)));
  assert.deepEqual(problems.slice(0, 20), []);
  for (const f of files) assert.equal(ours(read(f)).error, undefined, f);
});

test('examples, schemas, fixtures and libvirt schemas: the same trees and verdicts', () => {
  // saxes reads no DTD, so it cannot judge documents that use their own entities (ours expand
  // them: test/unit/xml-parse.test.ts, fixtures/relaxng/entities checked against Jing).
  const files = projectFiles().filter((f) => !/<!ENTITY\s+[^%\s]/.test(read(f)));
  assert.ok(files.length >= 30, `${files.length} files`);
  const problems = files.flatMap((f) => agree(f, read(f)));
  assert.deepEqual(problems.slice(0, 20), []);
});

test('the same trees for CRLF line ends, a BOM, comments, CDATA, PIs, references and namespaces', () => {
  const doc = read(corpusFiles()[0]);
  const variants = [
    doc.replace(/\n/g, '\r\n'),
    doc.replace(/\n/g, '\r'),
    '\ufeff' + doc,
    '<?xml version="1.0" encoding="UTF-8" standalone=\'yes\' ?>\n<!-- before -->\n<?pi data?>\n' + doc + '\n<!-- after --><?pi?>\n',
    `<!DOCTYPE domain SYSTEM "x.dtd" [\n <!ENTITY a "x&amp;y"> <!-- c --> <?p q?> %pe; <!ATTLIST domain x CDATA "a>b">\n]>\n` + doc,
    `<r xmlns="urn:d" xmlns:p="urn:p" p:a="1&#10;2&#x9;3\t4\r\n5" b='"&apos;&lt;&gt;'>\r\n <p:x xmlns:p="urn:q" p:y="&amp;"/><y xmlns="">t&#x1F600;<![CDATA[<&\r\n]]]]>&amp;</y>\r<!----><z>a<!--c-->b<?p?>c</z></r>`,
    `<a>é中𝄞<é:b xmlns:é="urn:é" é:·="x"/>\u00b7</a>`,
  ];
  const problems = variants.flatMap((v, i) => agree(`variant ${i}`, v));
  assert.deepEqual(problems, []);
  for (const v of variants) assert.equal(ours(v).error, undefined, v.slice(0, 80));
});

// Each of these breaks one well-formedness or namespace rule; both parsers must refuse it.
const malformed: [string, string][] = [
  ['two roots', '<a/><b/>'],
  ['mismatched end tag', '<a><b></a></b>'],
  ['end tag without element', '</a>'],
  ['unclosed element', '<a><b/>'],
  ['unquoted attribute', '<a x=1/>'],
  ['attribute without value', '<a x/>'],
  ['< in attribute value', '<a x="<"/>'],
  ['duplicate attribute', '<a x="1" x="2"/>'],
  ['duplicate after namespace resolution', '<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>'],
  ['no whitespace between attributes', '<a x="1"y="2"/>'],
  ['name starting with a digit', '<1a/>'],
  ['name with an illegal character', '<a\u00d7b/>'],
  ['bare &', '<a>x & y</a>'],
  ['undefined entity', '<a>&nbsp;</a>'],
  ['entity referring to itself', '<!DOCTYPE a [<!ENTITY e "x&e;">]><a>&e;</a>'],
  ['char ref to NUL', '<a>&#0;</a>'],
  ['char ref to a surrogate', '<a>&#xD800;</a>'],
  ['char ref to U+FFFE', '<a b="&#xFFFE;"/>'],
  ['char ref with X', '<a>&#X41;</a>'],
  ['reference without ;', '<a>&amp</a>'],
  [']]> in text', '<a>]]></a>'],
  ['-- in a comment', '<a><!-- a -- b --></a>'],
  ['comment ending in --->', '<a><!-- a ---></a>'],
  ['XML declaration not at the start', ' <?xml version="1.0"?><a/>'],
  ['XML declaration inside', '<a><?xml version="1.0"?></a>'],
  ['reserved PI target', '<a><?XmL x?></a>'],
  ['XML declaration without version', '<?xml encoding="UTF-8"?><a/>'],
  ['XML declaration bad version', '<?xml version="2.0"?><a/>'],
  ['DOCTYPE after the root', '<a/><!DOCTYPE a>'],
  ['two DOCTYPEs', '<!DOCTYPE a><!DOCTYPE a><a/>'],
  ['NUL', '<a>\u0000</a>'],
  ['C0 control', '<a>\u0001</a>'],
  ['vertical tab in an attribute', '<a x="\u000b"/>'],
  ['U+FFFF', '<a>\uffff</a>'],
  ['U+FFFE in a comment', '<a><!--\ufffe--></a>'],
  ['lone low surrogate', '<a>\udc00</a>'],
  ['text after the root', '<a/>x'],
  ['text before the root', 'x<a/>'],
  ['CDATA outside the root', '<![CDATA[x]]><a/>'],
  ['undeclared element prefix', '<p:a/>'],
  ['undeclared attribute prefix', '<a p:x="1"/>'],
  ['undeclaring a prefix', '<a xmlns:p=""/>'],
  ['rebinding xml', '<a xmlns:xml="urn:x"/>'],
  ['binding the xmlns namespace', '<a xmlns:p="http://www.w3.org/2000/xmlns/"/>'],
  ['declaring xmlns', '<a xmlns:xmlns="urn:x"/>'],
  ['xml namespace as default', '<a xmlns="http://www.w3.org/XML/1998/namespace"/>'],
  ['element with the xmlns prefix', '<xmlns:a/>'],
  ['two colons', '<a:b:c xmlns:a="u"/>'],
  ['empty local name', '<a: xmlns:a="u"/>'],
  ['space after </', '<a></ a>'],
  ['slash not followed by >', '<a / >'],
  ['empty document', ''],
  ['only whitespace and comments', ' <!-- x --> '],
  ['binary', String.fromCharCode(0, 1, 2, 255, 0x89) + 'PNG'],
  ['unfinished start tag', '<a'],
  ['unfinished comment', '<a><!-- x'],
  ['unfinished CDATA', '<a><![CDATA[x'],
  ['unfinished PI', '<a><?p x'],
  ['unfinished DOCTYPE', '<!DOCTYPE a ['],
];

test('each rule of XML 1.0 and its namespaces is enforced, as saxes does', () => {
  for (const [rule, text] of malformed) {
    assert.ok(ours(text).error, `ours accepts: ${rule}`);
    assert.ok(oracle(text).error, `saxes accepts: ${rule}`);
  }
});

test('stricter than saxes: a lone high surrogate is not a character', () => {
  for (const text of ['<a>x\ud800y</a>', '<a x="\ud800y"/>', '<a/>\ud800']) {
    assert.match(ours(text).error?.message ?? '', /U\+D800 is not allowed/);
  }
});

// ---- fuzzing

const SNIPPETS = [
  '<', '>', '&', ';', '"', "'", '=', '/', '!', '?', '-', ':', ' ', '\n', '\r', '\r\n', '\t', ']', '[', '#', 'x', '1',
  '\u0000', '\u0001', '\u000b', '\u001f', '\u007f', '\u0085', '\ufffe', '\uffff', '\ufeff', '\u00e9', '\u4e2d', '\ud834\udd1e', '\u00b7', '\u0300', '\u00d7',
  ']]>', '--', '&amp;', '&#10;', '&#0;', '&#x1F;', '&#xD7FF;', '&#65;', '&foo;', '&lt', '<!--x-->', '<!-- - -->', '<![CDATA[x]]>', '<?pi x?>',
  '<?xml version="1.0"?>', ' xmlns:p="urn:p"', ' xmlns=""', ' p:x="1"', ' x="1"', '<p:x/>', '<x/>', '</x>', '<!DOCTYPE x>',
];

function mutate(doc: string, rnd: () => number): string {
  const at = () => Math.floor(rnd() * (doc.length + 1));
  const pick = <T,>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const tagAt = (from: number) => {
    const s = doc.indexOf('<', from);
    const e = s < 0 ? -1 : doc.indexOf('>', s);
    return s < 0 || e < 0 ? undefined : [s, e + 1];
  };
  const times = 1 + Math.floor(rnd() * 3);
  for (let t = 0; t < times; t++) {
    const kind = Math.floor(rnd() * 8);
    const i = at();
    if (kind === 0) doc = doc.slice(0, i) + doc.slice(i + 1 + Math.floor(rnd() * 3));
    else if (kind <= 2) doc = doc.slice(0, i) + pick(SNIPPETS) + doc.slice(i);
    else if (kind === 3) {
      const tag = tagAt(i);
      if (tag) {
        const j = at();
        doc = doc.slice(0, j) + doc.slice(tag[0], tag[1]) + doc.slice(j);
      }
    } else if (kind === 4) {
      const tag = tagAt(i);
      if (tag) doc = doc.slice(0, tag[0]) + doc.slice(tag[1]);
    } else if (kind === 5) {
      const q = doc.slice(i).search(/["']/);
      if (q >= 0) doc = doc.slice(0, i + q) + (doc[i + q] === '"' ? "'" : '"') + doc.slice(i + q + 1);
    } else if (kind === 6) {
      const m = /\s([\w:]+=(["'])[^"']*\2)/.exec(doc.slice(i));
      if (m) {
        const j = i + m.index + m[0].length;
        doc = doc.slice(0, j) + ' ' + m[1] + doc.slice(j);
      }
    } else {
      const j = at();
      doc = doc.slice(0, j) + doc.slice(j, j + 1 + Math.floor(rnd() * 3)) + doc.slice(j);
    }
  }
  return doc;
}

test('5,000 mutated corpus documents: the same verdict, the same trees, never a throw or a hang', () => {
  const docs = corpusFiles().map(read);
  const rnd = random(20240611);
  const problems: string[] = [];
  let accepted = 0;
  let slowest = 0;
  for (let n = 0; n < 5000; n++) {
    const text = mutate(docs[n % docs.length], rnd);
    const t0 = performance.now();
    const a = ours(text);
    slowest = Math.max(slowest, performance.now() - t0);
    if (LONE_SURROGATE.test(text)) {
      if (!a.error) problems.push(`#${n}: accepts a lone surrogate`);
      continue;
    }
    const b = oracle(text);
    if (!!a.error !== !!b.error) {
      problems.push(`#${n}: ours ${a.error ? `refuses (${a.error.message})` : 'accepts'}, saxes ${b.error ? `refuses (${b.error.message})` : 'accepts'}: near ${JSON.stringify(text.slice(Math.max(0, (a.error ?? b.error)!.span.start - 40), (a.error ?? b.error)!.span.start + 20))}`);
      continue;
    }
    if (!a.error) {
      accepted++;
      problems.push(...treeDifferences(text, a, b).map((d) => `#${n}: ${d}`));
    }
    if (a.error && (a.error.span.start < 0 || a.error.span.end > text.length || a.error.span.start > a.error.span.end)) {
      problems.push(`#${n}: error span ${a.error.span.start}-${a.error.span.end} outside the text`);
    }
  }
  assert.deepEqual(problems.slice(0, 10), []);
  assert.ok(accepted > 300, `only ${accepted} mutants were well-formed: the fuzzer tests too little`);
  assert.ok(slowest < 1000, `a parse took ${slowest} ms`);
});
