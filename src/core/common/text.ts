import type { Position, Range } from './diagnostic';

/** Converts between string offsets and 0-based line/character positions. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    // Only LF line ends (the usual case): the native search finds each (a fleet's loader indexes every template's text).
    if (text.indexOf('\r') < 0) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  offsetAt(p: Position): number {
    if (p.line < 0) return 0;
    if (p.line >= this.lineStarts.length) return this.text.length;
    return Math.min(this.lineStarts[p.line] + p.character, this.lineEnd(p.line));
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset just past the last character of the line, before its line break. */
  lineEnd(line: number): number {
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    while (end > this.lineStarts[line] && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }
}

/** The longest text a message shows of anything: a 5 MB token from a file is not echoed whole. */
export const MAX_SHOWN_LENGTH = 400;

/** C0 and C1 controls, DEL, and the format characters that reorder or hide text (bidi overrides, zero widths). */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  if (!UNPRINTABLE.test(c)) return c;
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Text from project files made safe to print on one line, in a terminal, JSON or VS Code:
 * control and bidi characters become visible escapes (`\x1b`, `\n`, `\u202e`), and what
 * goes past `maxLength` is cut with a note of how much. Backslashes stay as they are, so
 * escaping twice changes nothing more.
 */
export function printable(text: string, maxLength = MAX_SHOWN_LENGTH): string {
  if (text.length <= maxLength && !UNPRINTABLE.test(text)) return text;
  let out = '';
  let taken = 0;
  for (const c of text) {
    const piece = escapeChar(c);
    if (out.length + piece.length > maxLength) break;
    out += piece;
    taken += c.length;
  }
  return taken < text.length ? `${out}… (${text.length - taken} more characters)` : out;
}

/** "1 error", "2 errors": a count with its noun in the right number (regular plurals). */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * A copy of `s` that holds its own characters. V8 makes a slice of a long string a view into it
 * (a sliced string), so a short value kept from a parsed document (a template's name, a MAC)
 * would keep the whole document's text alive: a fleet's check kept every template's text twice
 * over (6 MB of 19, all copied by each young-generation GC). Concatenating makes a new string
 * that slicing then copies flat: 0.1 µs for a short value.
 */
export function ownString(s: string): string {
  return (' ' + s).slice(1);
}
