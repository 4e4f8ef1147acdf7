import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../src/core/common/text';
import { globMatcher } from '../../src/core/common/glob';
import { decodeText } from '../../src/core/common/fileSystem';
import { sniffRootElement } from '../../src/core/project/template';

test('LineIndex: texts with LF only (found by a native search) and with CR map every offset as a plain scan does', () => {
  // The plain definition: a line ends after LF, after CR not followed by LF, and after CRLF.
  const reference = (text: string, offset: number) => {
    let line = 0;
    let start = 0;
    for (let i = 0; i < offset; i++) {
      if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) {
        line++;
        start = i + 1;
      }
    }
    return { line, character: offset - start };
  };
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < 300; n++) {
    const alphabet = n % 2 === 0 ? ['a', 'b', '\n'] : ['a', '\n', '\r'];
    const text = Array.from({ length: Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const idx = new LineIndex(text);
    for (let o = 0; o <= text.length; o++) assert.deepEqual(idx.positionAt(o), reference(text, o), JSON.stringify({ text, o }));
    assert.equal(idx.lineCount, reference(text, text.length).line + 1, JSON.stringify(text));
  }
});

test('LineIndex maps offsets and positions with LF, CRLF and CR', () => {
  const idx = new LineIndex('ab\r\ncd\nef\rg');
  assert.deepEqual(idx.positionAt(0), { line: 0, character: 0 });
  assert.deepEqual(idx.positionAt(4), { line: 1, character: 0 });
  assert.deepEqual(idx.positionAt(7), { line: 2, character: 0 });
  assert.deepEqual(idx.positionAt(10), { line: 3, character: 0 });
  assert.equal(idx.lineCount, 4);
  assert.equal(idx.lineText(0), 'ab');
  assert.equal(idx.lineText(2), 'ef');
  assert.equal(idx.offsetAt({ line: 1, character: 1 }), 5);
  assert.equal(idx.offsetAt({ line: 0, character: 99 }), 2, 'clamped to the line end');
});

test('globs: *, **, ?, braces', () => {
  const g = (p: string) => ({ test: globMatcher([p]) });
  assert.ok(g('*.xml').test('a.xml'));
  assert.ok(!g('*.xml').test('d/a.xml'));
  assert.ok(g('**/*.xml').test('a.xml'));
  assert.ok(g('**/*.xml').test('d/e/a.xml'));
  assert.ok(g('vms/{web,db}?.xml').test('vms/web1.xml'));
  assert.ok(!g('vms/{web,db}?.xml').test('vms/app1.xml'));
  assert.ok(g('a.b').test('a.b') && !g('a.b').test('axb'));
  assert.ok(g('vms/[ab]*.xml').test('vms/a1.xml') && !g('vms/[ab]*.xml').test('vms/c1.xml'));
  assert.ok(g('vms/**').test('vms/x/y.xml'));
  assert.ok(g('*.xml').test('.hidden.xml'), 'a dot file matches * as before');
  assert.ok(globMatcher(['a/*.xml', 'b/*.xml'])('b/x.xml'), 'several patterns: any matches');
});

test('text decoding drops a BOM; the root element is sniffed past prolog, comments and DOCTYPE', () => {
  assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), 'a');
  assert.equal(sniffRootElement('\uFEFF<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE d [<!ENTITY x "y">]>\n<domain type="kvm">'), 'domain');
  assert.equal(sniffRootElement('<lv:domain xmlns:lv="x">'), 'domain');
  assert.equal(sniffRootElement('not xml'), undefined);
  assert.equal(sniffRootElement('<!-- unterminated'), undefined);
});
