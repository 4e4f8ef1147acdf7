// What the user is typing at an offset of a possibly half-typed document, and a small
// well-formed-enough prefix of it that the schema engine can be asked about.
import type { Span } from '../xml/parse';

export type CursorContext =
  | { kind: 'elementName'; typed: string; replace: Span; query: { text: string; offset: number } }
  | { kind: 'attributeName'; element: string; typed: string; replace: Span; present: string[]; query: { text: string; offset: number } }
  | { kind: 'attributeValue'; element: string; attribute: string; typed: string; replace: Span; query: { text: string; offset: number } }
  | { kind: 'none' };

const NAME = '[A-Za-z_][\\w.:-]*';

export function cursorContext(text: string, offset: number): CursorContext {
  const lt = text.lastIndexOf('<', offset - 1);
  const gt = text.lastIndexOf('>', offset - 1);
  if (lt < 0 || gt > lt) return { kind: 'none' };
  const tag = text.slice(lt, offset);
  if (/^<[!?/]/.test(tag)) return { kind: 'none' };
  const before = text.slice(0, lt);
  const nameOnly = new RegExp(`^<(${NAME})?$`).exec(tag);
  if (nameOnly) {
    const typed = nameOnly[1] ?? '';
    return { kind: 'elementName', typed, replace: { start: lt + 1, end: offset }, query: { text: before, offset: lt } };
  }
  const head = new RegExp(`^<(${NAME})`).exec(tag);
  if (!head) return { kind: 'none' };
  const element = head[1];
  const value = new RegExp(`\\s(${NAME})\\s*=\\s*(["'])([^"']*)$`).exec(tag);
  if (value) {
    const [all, attr, quote, typed] = value;
    const valueStart = offset - typed.length;
    // Close the value and the tag so the engine sees the element with this attribute.
    const start = tag.slice(0, tag.length - all.length);
    const queryText = `${before}${cleanAttributes(start)} ${attr}=${quote}${typed}${quote}>`;
    return {
      kind: 'attributeValue',
      element,
      attribute: attr,
      typed,
      replace: { start: valueStart, end: valueStart + typed.length + restOfValue(text, offset) },
      query: { text: queryText, offset: queryText.length - 2 },
    };
  }
  const attrName = new RegExp(`\\s(${NAME})?$`).exec(tag);
  if (!attrName) return { kind: 'none' };
  const typed = attrName[1] ?? '';
  const start = cleanAttributes(tag.slice(0, tag.length - typed.length));
  const present = [...start.matchAll(new RegExp(`\\s(${NAME})\\s*=`, 'g'))].map((m) => m[1]);
  const queryText = `${before}${start.trimEnd()} >`;
  return { kind: 'attributeName', element, typed, present, replace: { start: offset - typed.length, end: offset }, query: { text: queryText, offset: queryText.length - 1 } };
}

/** Drops a trailing half-written attribute (`name` or `name=`) that would break the query. */
function cleanAttributes(tagStart: string): string {
  return tagStart.replace(new RegExp(`\\s${NAME}\\s*(=\\s*)?$`), '');
}

/** Characters of the value after the cursor, up to the closing quote on the same line. */
function restOfValue(text: string, offset: number): number {
  const m = /^[^"'<>\n]*/.exec(text.slice(offset, offset + 500));
  return m ? m[0].length : 0;
}
