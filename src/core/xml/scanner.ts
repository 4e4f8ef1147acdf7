// Character classes of XML 1.0 (fifth edition): Char, S, NameStartChar, NameChar, and the
// fast scans the parser is built on. Everything works on UTF-16 code units with charCodeAt;
// astral characters are surrogate pairs, checked as pairs.

export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const BANG = 0x21;
export const DQUOTE = 0x22;
export const HASH = 0x23;
export const PERCENT = 0x25;
export const AMP = 0x26;
export const SQUOTE = 0x27;
export const DASH = 0x2d;
export const SLASH = 0x2f;
export const COLON = 0x3a;
export const SEMICOLON = 0x3b;
export const LT = 0x3c;
export const EQ = 0x3d;
export const GT = 0x3e;
export const QUESTION = 0x3f;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;

/** S ::= (#x20 | #x9 | #xD | #xA)+ */
export function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

/** Index of the first non-space character at or after `i` (or `end`). */
export function skipSpace(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== TAB && c !== CR) break;
    i++;
  }
  return i;
}

// ASCII part of the name productions: 1 = NameStartChar, 2 = NameChar only.
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === COLON) ASCII_NAME[c] = 1;
  else if ((c >= 0x30 && c <= 0x39) || c === DASH || c === 0x2e) ASCII_NAME[c] = 2;
}

/** NameStartChar for a BMP code unit that is not a surrogate (astral ones are handled by the callers). */
function isNameStartBmp(c: number): boolean {
  if (c < 128) return ASCII_NAME[c] === 1;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

function isNameBmp(c: number): boolean {
  if (c < 128) return ASCII_NAME[c] !== 0;
  return isNameStartBmp(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || c === 0x203f || c === 0x2040;
}

/** [#x10000-#xEFFFF] as a surrogate pair starting at `i`: high surrogates D800–DB7F, then a low one. */
function isAstralNameAt(s: string, i: number, end: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdb7f || i + 1 >= end) return false;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}

/**
 * Scans an XML Name starting at `i` and returns the index just past it, or `i` when no name
 * starts there. Names may hold colons here; namespace rules are checked on the result.
 */
export function scanName(s: string, i: number, end: number): number {
  if (i >= end) return i;
  let c = s.charCodeAt(i);
  let j: number;
  if (c < 128) {
    if (ASCII_NAME[c] !== 1) return i;
    j = i + 1;
  } else if (c >= 0xd800 && c <= 0xdfff) {
    if (!isAstralNameAt(s, i, end)) return i;
    j = i + 2;
  } else {
    if (!isNameStartBmp(c)) return i;
    j = i + 1;
  }
  while (j < end) {
    c = s.charCodeAt(j);
    if (c < 128) {
      if (ASCII_NAME[c] === 0) break;
      j++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (!isAstralNameAt(s, j, end)) break;
      j += 2;
    } else {
      if (!isNameBmp(c)) break;
      j++;
    }
  }
  return j;
}

/** Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] (a code point). */
export function isXmlChar(cp: number): boolean {
  return (
    (cp >= 0x20 && cp <= 0xd7ff) ||
    cp === TAB ||
    cp === LF ||
    cp === CR ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

// Anything that is not Char: C0 controls but tab/LF/CR, U+FFFE/U+FFFF, and surrogates that
// are not part of a pair. One regex over the whole text: V8 runs it far faster than a loop.
const ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Offset of the first character that XML 1.0 does not allow anywhere, or -1. */
export function firstIllegalChar(s: string): number {
  const m = ILLEGAL.exec(s);
  return m ? m.index : -1;
}

/** `U+0001` style, for messages about a character. */
export function describeChar(s: string, i: number): string {
  const cp = s.codePointAt(i) ?? 0;
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}
