// Helpers for the network and routes tests: diagnostics as [code, covered text, line] rows.
import type { Diagnostic, Range, TextEdit } from '../../../src/core/common/diagnostic';
import { LineIndex } from '../../../src/core/common/text';

export function covered(text: string, r: Range): string {
  const lines = new LineIndex(text);
  return text.slice(lines.offsetAt(r.start), lines.offsetAt(r.end));
}

/** [code, covered text, 0-based line] of each diagnostic, in order. */
export function rows(text: string, ds: Diagnostic[]): Array<[string, string, number]> {
  return ds.map((d) => [d.code, covered(text, d.range), d.range.start.line]);
}

/** Applies edits (non-overlapping) to text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

export function only(ds: Diagnostic[], code: string): Diagnostic {
  const found = ds.filter((d) => d.code === code);
  if (found.length !== 1) throw new Error(`expected one ${code}, got ${found.length}: ${JSON.stringify(ds.map((d) => d.code))}`);
  return found[0];
}
