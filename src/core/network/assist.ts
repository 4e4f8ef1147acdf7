// Plain data for editor assistance (completion, hover) computed by the core; the extension
// only converts it to VS Code objects.
import type { Range } from '../common/diagnostic';
import { formatIPv4, prefixToNetmask } from './ipv4';

export type CompletionKind = 'keyword' | 'property' | 'value' | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** One line shown next to the label. */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** What to insert; a snippet (`${1:…}` placeholders) when `snippet` is set. */
  insertText: string;
  snippet?: boolean;
  /** The text the item replaces: the word at the cursor. */
  range: Range;
  /** Orders items; defaults to the label. */
  sortText?: string;
}

export interface HoverInfo {
  /** Markdown. */
  markdown: string;
  /** The word the hover is about. */
  range: Range;
}

/** Escapes text for a snippet (`$`, `}` and `\` are special there). */
export function snippetText(s: string): string {
  return s.replace(/[$}\\]/g, (c) => `\\${c}`);
}

/** The netmasks people use, for value completion: /8, /16, /20 to /30. */
export function commonNetmasks(): Array<{ mask: string; prefix: number; hosts: number }> {
  return [8, 16, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30].map((prefix) => ({
    mask: formatIPv4(prefixToNetmask(prefix)),
    prefix,
    hosts: 2 ** (32 - prefix) - 2,
  }));
}

/** Bounds of the run of characters matching `word` around `character` in `line`. */
export function wordBounds(line: string, character: number, word: RegExp): { start: number; end: number } {
  let start = Math.min(character, line.length);
  let end = start;
  while (start > 0 && word.test(line[start - 1])) start--;
  while (end < line.length && word.test(line[end])) end++;
  return { start, end };
}
