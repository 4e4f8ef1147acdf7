// References (XML 1.0 §4.1) and the normalisation of character data (§2.11 line ends) and of
// attribute values (§3.3.3). Besides the five predefined entities, the general entities declared
// in the internal subset are expanded (§4.4), as Jing does, within limits: nesting depth and the
// characters expansion may produce in one document, so an entity bomb is a clear error.
import { XmlSyntaxError } from './xmlErrors';
import * as scanner from './scanner';

// Bound once: under a CommonJS transpile each use of an imported name is a getter call.
const { AMP, CR, HASH, LF, SEMICOLON, TAB, isXmlChar, scanName } = scanner;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Entities may refer to entities this deep. */
export const MAX_ENTITY_DEPTH = 32;
/** Characters entity expansion may produce in one document (beyond the document's own length). */
export const MAX_EXPANSION = 1_000_000;

/** The general entities of a document's internal subset. */
export interface EntityTable {
  /** Name → replacement text; undefined for an external or unparsed entity (never read). */
  readonly defs: Map<string, string | undefined>;
  /** Characters expansion may still produce. */
  budget: number;
  /** The entities being expanded, outermost first (a reference to one of them is a loop). */
  readonly open: string[];
}

export function newEntityTable(documentLength: number): EntityTable {
  return { defs: new Map(), budget: MAX_EXPANSION + documentLength, open: [] };
}

/** The replacement text of a declared entity referred to from i to `after` (§4.4.2, §4.4.5). */
function expand(name: string, ents: EntityTable, inAttribute: boolean, i: number, after: number): string {
  const text = ents.defs.get(name);
  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, i, after);
  };
  if (text === undefined) fail(`entity &${name}; is external: external entities are not read; write its text instead`);
  if (ents.open.includes(name)) fail(`entity &${name}; refers to itself (${[...ents.open, name].map((n) => `&${n};`).join(' → ')})`);
  if (ents.open.length >= MAX_ENTITY_DEPTH) fail(`entities nested more than ${MAX_ENTITY_DEPTH} deep`);
  if (text!.includes('<')) {
    fail(inAttribute ? `'<' is not allowed in an attribute value (it comes from entity &${name};)` : `entity &${name}; contains markup: only entities of text are expanded; write its content instead`);
  }
  ents.open.push(name);
  let value: string;
  try {
    value = inAttribute ? decodeAttribute(text!, 0, text!.length, ents) : decodeText(text!, 0, text!.length, ents);
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    // Positions inside the replacement text mean nothing in the document: report at the reference.
    throw new XmlSyntaxError(e.message.startsWith('in entity') || e.message.includes('expansion') ? e.message : `in entity &${name};: ${e.message}`, i, after);
  } finally {
    ents.open.pop();
  }
  ents.budget -= value.length;
  if (ents.budget < 0) fail(`entity expansion produces more than ${MAX_EXPANSION} characters (an entity bomb?)`);
  return value;
}

/** Index just past the reference read by the last readReference call. */
let refEnd = 0;

/** Reads the reference whose `&` is at `i`, returning its replacement text. */
function readReference(s: string, i: number, end: number, ents: EntityTable | undefined, inAttribute: boolean): string {
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
  if (value !== undefined) {
    refEnd = j + 1;
    return value;
  }
  if (ents?.defs.has(name)) {
    const expanded = expand(name, ents, inAttribute, i, j + 1);
    refEnd = j + 1; // the expansion read references of its own
    return expanded;
  }
  throw new XmlSyntaxError(`undefined entity &${name};: declare it in the DTD, or write the text or a character reference (&#...;) instead`, i, j + 1);
}

/** Character data from `start` to `end` with references expanded and CRLF / CR read as LF. */
export function decodeText(s: string, start: number, end: number, ents?: EntityTable): string {
  let out = '';
  let from = start;
  for (let i = start; i < end; ) {
    const c = s.charCodeAt(i);
    if (c === AMP) {
      out += s.slice(from, i) + readReference(s, i, end, ents, false);
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
export function decodeAttribute(s: string, start: number, end: number, ents?: EntityTable): string {
  let out = '';
  let from = start;
  for (let i = start; i < end; ) {
    const c = s.charCodeAt(i);
    if (c === AMP) {
      out += s.slice(from, i) + readReference(s, i, end, ents, true);
      i = from = refEnd;
    } else if (c === TAB || c === LF || c === CR) {
      out += s.slice(from, i) + ' ';
      i += c === CR && i + 1 < end && s.charCodeAt(i + 1) === LF ? 2 : 1;
      from = i;
    } else i++;
  }
  return out + s.slice(from, end);
}
