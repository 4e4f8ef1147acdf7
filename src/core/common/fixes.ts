// Applying a core Fix to a file's text, as an editor would: for tests and adapters without one.
import type { Fix } from './diagnostic';
import { LineIndex } from './text';

/** The text after `fix` (its edits to this file, then its line-ending change). A BOM is not text: see Fix.removeBom. */
export function applyFixToText(text: string, fix: Fix, file?: string): string {
  const lines = new LineIndex(text);
  const edits = fix.edits
    .filter((e) => e.file === undefined || e.file === file)
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return fix.lineEndings === 'lf' ? out.replace(/\r\n?/g, '\n') : out;
}
