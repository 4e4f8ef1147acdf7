// References (XML 1.0 §4.1) and the normalisation of character data (§2.11 line ends) and of
// attribute values (§3.3.3). Only the five predefined entities exist: entities declared in a
// DTD are never expanded (no entity-expansion bombs), so referring to one is an error.
import { XmlSyntaxError } from './xmlErrors';
import * as scanner from './scanner';

// Bound once: under a CommonJS transpile each use of an imported name is a getter call.
const { AMP, CR, HASH, LF, SEMICOLON, TAB, isXmlChar, scanName } = scanner;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Index just past the reference read by the last readReference call. */
let refEnd = 0;

/** Reads the reference whose `&` is at `i`, returning its replacement text. */
function readReference(s: string, i: number, end: number): string {
  let j = i + 1;
  if (s.charCodeAt(j) === HASH) {
    j++;
    const hex = s.charCodeAt(j) === 0x78; // 'x'; 'X' is not allowed
    if (hex) j++;
    const digitsStart = j;
    let cp = 0;
    for (; j < end; j++) {
      const c = s.charCodeAt(j);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (hex && c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else if (hex && c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      else break;
      cp = Math.min(cp * (hex ? 16 : 10) + d, 0x110000);
    }
    if (j === digitsStart || j >= end || s.charCodeAt(j) !== SEMICOLON) {
      throw new XmlSyntaxError(
        `malformed character reference: write &#N; (decimal) or &#xH; (hexadecimal), or &amp; for a literal &`,
        i,
        Math.max(j, i + 2),
        j >= end,
      );
    }
    if (!isXmlChar(cp)) {
      throw new XmlSyntaxError(`character reference ${s.slice(i, j + 1)} is not a character XML allows`, i, j + 1);
    }
    refEnd = j + 1;
    return String.fromCodePoint(cp);
  }
  j = scanName(s, j, end);
  if (j === i + 1) {
    throw new XmlSyntaxError(`'&' must start a reference: write &amp; for a literal &`, i, i + 1, i + 1 >= end);
  }
  const name = s.slice(i + 1, j);
  if (j >= end || s.charCodeAt(j) !== SEMICOLON) {
    throw new XmlSyntaxError(`the reference &${name} must end with ';'`, i, j, j >= end);
  }
  const value = PREDEFINED[name];
  if (value === undefined) {
    throw new XmlSyntaxError(
      `undefined entity &${name};: entities declared in a DTD are not expanded; write the text or a character reference (&#...;) instead`,
      i,
      j + 1,
    );
  }
  refEnd = j + 1;
  return value;
}

/** Character data from `start` to `end` with references expanded and CRLF / CR read as LF. */
export function decodeText(s: string, start: number, end: number): string {
  let out = '';
  let from = start;
  for (let i = start; i < end; ) {
    const c = s.charCodeAt(i);
    if (c === AMP) {
      out += s.slice(from, i) + readReference(s, i, end);
      i = from = refEnd;
    } else if (c === CR) {
      out += s.slice(from, i) + '\n';
      i += s.charCodeAt(i + 1) === LF && i + 1 < end ? 2 : 1;
      from = i;
    } else i++;
  }
  return out + s.slice(from, end);
}

/**
 * An attribute value from `start` to `end` (inside the quotes): references expanded, and each
 * literal tab, LF, CR or CRLF becomes one space; characters written as references are kept.
 */
export function decodeAttribute(s: string, start: number, end: number): string {
  let out = '';
  let from = start;
  for (let i = start; i < end; ) {
    const c = s.charCodeAt(i);
    if (c === AMP) {
      out += s.slice(from, i) + readReference(s, i, end);
      i = from = refEnd;
    } else if (c === TAB || c === LF || c === CR) {
      out += s.slice(from, i) + ' ';
      i += c === CR && i + 1 < end && s.charCodeAt(i + 1) === LF ? 2 : 1;
      from = i;
    } else i++;
  }
  return out + s.slice(from, end);
}
