// Bytes → text as XML 1.0 says (section 4.3.3, appendix F): BOM, first bytes, encoding declaration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeXml } from '../../../src/core/xml/encoding';

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const utf8 = (s: string) => new TextEncoder().encode(s);
function utf16(s: string, le: boolean, bom: boolean): Uint8Array {
  const out: number[] = bom ? (le ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out.push(...(le ? [c & 0xff, c >> 8] : [c >> 8, c & 0xff]));
  }
  return Uint8Array.from(out);
}
const text = (b: Uint8Array) => {
  const d = decodeXml(b);
  assert.equal(d.error, undefined, d.error?.message);
  return d.text;
};
const error = (b: Uint8Array) => decodeXml(b).error?.message ?? 'decoded';

test('UTF-8 with or without a BOM or declaration; the BOM is dropped', () => {
  assert.equal(text(utf8('<a>café 𝄞</a>')), '<a>café 𝄞</a>');
  assert.equal(text(utf8('\ufeff<?xml version="1.0" encoding="utf-8"?><a/>')), '<?xml version="1.0" encoding="utf-8"?><a/>');
});

test('ISO-8859-1 and US-ASCII as declared', () => {
  assert.equal(text(latin1('<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\xe9 \x80</a>')), '<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\u00e9 \u0080</a>');
  assert.equal(text(latin1("<?xml version='1.0' encoding='latin1'?><a>\xff</a>")).slice(-5), '\u00ff</a>');
  assert.equal(text(utf8('<?xml version="1.0" encoding="US-ASCII"?><a>x</a>')).slice(-8), '<a>x</a>');
  assert.match(error(latin1('<?xml version="1.0" encoding="US-ASCII"?>\n<a>caf\xe9</a>')), /byte 0xE9 is not US-ASCII/);
});

test('UTF-16 by its BOM, or by "<?" in UTF-16 without one', () => {
  const doc = '<?xml version="1.0" encoding="UTF-16"?><a>café 𝄞</a>';
  assert.equal(text(utf16(doc, true, true)), doc);
  assert.equal(text(utf16(doc, false, true)), doc);
  assert.equal(text(utf16(doc, true, false)), doc);
  assert.equal(text(utf16(doc, false, false)), doc);
  assert.match(error(utf16(doc, true, true).subarray(0, 11)), /ends in the middle of a UTF-16 character/);
});

test('bytes that are not what the file declares, unknown encodings and contradictions are errors', () => {
  const undeclared = decodeXml(latin1('<a>\n<b>caf\xe9</b></a>'));
  assert.match(undeclared.error!.message, /byte 0xE9 is not valid UTF-8: declare the file's encoding/);
  assert.equal(undeclared.error!.line, 1);
  assert.match(error(utf8('<?xml version="1.0" encoding="EBCDIC-XYZ"?><a/>')), /encoding "EBCDIC-XYZ" is not supported: use UTF-8, UTF-16, ISO-8859-1 or US-ASCII/);
  assert.match(error(utf8('<?xml version="1.0" encoding="UTF-16"?><a/>')), /declares encoding "UTF-16" but its bytes are not UTF-16/);
  assert.match(error(utf16('<?xml version="1.0" encoding="ISO-8859-1"?><a/>', true, true)), /declares encoding "ISO-8859-1" but its bytes are UTF-16LE/);
  assert.match(error(utf8('\ufeff<?xml version="1.0" encoding="ISO-8859-1"?><a/>')), /UTF-8 byte order mark/);
  assert.match(error(Uint8Array.from([0, 0, 0, 0x3c])), /UCS-4 or EBCDIC/);
  // Overlong forms and surrogates are not UTF-8.
  assert.match(error(Uint8Array.from([0x3c, 0x61, 0x3e, 0xc0, 0xaf])), /byte 0xC0 is not valid UTF-8/);
  assert.match(error(Uint8Array.from([0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80])), /byte 0xED is not valid UTF-8/);
  // Beyond U+10FFFF, a sequence cut by the end of the file, a stray continuation byte: refused
  // where they start; the largest code point is read.
  assert.match(error(Uint8Array.from([0x3c, 0x61, 0x3e, 0xf4, 0x90, 0x80, 0x80])), /byte 0xF4 is not valid UTF-8/);
  assert.match(error(Uint8Array.from([0x3c, 0x61, 0x3e, 0x78, 0xe2, 0x82])), /byte 0xE2 is not valid UTF-8/);
  assert.match(error(Uint8Array.from([0x3c, 0x61, 0x3e, 0x78, 0x80, 0x3c])), /byte 0x80 is not valid UTF-8/);
  assert.equal(text(Uint8Array.from([0x3c, 0x61, 0x3e, 0xf4, 0x8f, 0xbf, 0xbf])), '<a>\u{10ffff}');
});
