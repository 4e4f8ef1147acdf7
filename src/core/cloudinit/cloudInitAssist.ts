// Completion and hover in cloud-init files, from the descriptions in cloud-init's schemas (and
// the NoCloud meta-data keys). The place in the YAML is found from indentation, so it works on
// the half-typed text an editor holds.
import type { Range } from '../common/diagnostic';
import { LineIndex } from '../common/text';
import { wordBounds, type CompletionItem, type HoverInfo } from '../network/assist';
import type { CloudInitKind } from './cloudInitTypes';
import { SCHEMAS, type JsonSchema, type SchemaId } from './cloudInitSchemas';
import { META_DATA_KEYS } from './metaData';
import { propertiesAt, rstToMarkdown, schemasAt, valuesOf, type PropertyDoc } from './schemaNavigation';
import { USER_DATA_HEADERS, userDataType } from './userData';

type Path = Array<string | number>;

interface LineShape {
  /** Columns of the leading "- " sequence indicators. */
  dashes: number[];
  /** Column where the content after the indicators starts. */
  keyCol: number;
  key?: string;
  keyEnd?: number;
  /** Something follows "key:" on the line. */
  hasValue: boolean;
  content: string;
}

function shape(line: string): LineShape {
  const m = /^(\s*)((?:-(?:\s+|$))*)(.*)$/.exec(line)!;
  const dashes: number[] = [];
  let col = m[1].length;
  for (const d of m[2].match(/-\s*/g) ?? []) {
    dashes.push(col);
    col += d.length;
  }
  const content = m[3];
  const k = /^("[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)\s*:(?:\s|$)/.exec(content);
  const key = k ? k[1].replace(/^["']|["']$/g, '') : undefined;
  return { dashes, keyCol: col, key, keyEnd: k ? col + k[1].length : undefined, hasValue: k ? content.slice(k[0].length).trim() !== '' && !content.slice(k[0].length).trim().startsWith('#') : false, content };
}

/** The path (keys, and 0 for a sequence item) of the mapping that holds column `col` of line `lineNo`. */
function containerPath(lines: string[], lineNo: number, current: LineShape, col: number): Path {
  const path: Path = [];
  let want = col;
  let afterSeq = false;
  if (current.dashes.length) {
    for (let i = 0; i < current.dashes.length; i++) path.unshift(0);
    want = current.dashes[0];
    afterSeq = true;
  }
  for (let l = lineNo - 1; l >= 0 && want > 0; l--) {
    const s = shape(lines[l]);
    if (!s.content.trim() || (s.content.startsWith('#') && !s.dashes.length)) continue;
    if (s.dashes.length) {
      const d0 = s.dashes[0];
      if (d0 >= want) continue; // a sibling item, or deeper
      if (s.key !== undefined && s.keyCol < want && !s.hasValue) path.unshift(s.key);
      for (let i = 0; i < s.dashes.length; i++) path.unshift(0);
      want = d0;
      afterSeq = true;
      continue;
    }
    if (s.key !== undefined && (s.keyCol < want || (afterSeq && s.keyCol === want))) {
      path.unshift(s.key);
      want = s.keyCol;
      afterSeq = false;
    }
  }
  return path;
}

/** The schema of this file and the path prefix its content sits under (network-config's "network:"). */
function schemaFor(kind: CloudInitKind, text: string): { id: SchemaId; root: JsonSchema } | undefined {
  if (kind === 'user-data') {
    const type = userDataType(text);
    const jinjaConfig = type === 'jinja' && /^[^\n]*\n#cloud-config/.test(text);
    return type === 'cloud-config' || jinjaConfig ? { id: 'cloud-config', root: SCHEMAS['cloud-config'] } : undefined;
  }
  if (kind === 'network-config') {
    const v = /^\s*version\s*:\s*["']?(\d)/m.exec(text)?.[1];
    const id: SchemaId = v === '1' ? 'network-config-v1' : 'network-config-v2';
    return { id, root: SCHEMAS[id] };
  }
  return undefined;
}

/** network-config may be wrapped in "network:"; the schema paths start inside it. */
function schemaPath(kind: CloudInitKind, path: Path): Path {
  return kind === 'network-config' && path[0] === 'network' ? path.slice(1) : path;
}

function propertyDocs(kind: CloudInitKind, text: string, path: Path): Map<string, PropertyDoc> {
  if (kind === 'meta-data') {
    if (path.length) return new Map();
    return new Map(Object.entries(META_DATA_KEYS).map(([name, description]) => [name, { name, schemas: [], description }]));
  }
  const s = schemaFor(kind, text);
  if (!s) return new Map();
  const inside = schemaPath(kind, path);
  const docs = propertiesAt(s.root, inside);
  // At the top of a network-config, "network:" itself is a key too.
  if (kind === 'network-config' && path.length === 0) docs.set('network', { name: 'network', schemas: [], description: 'Optional wrapper: the configuration may sit under a top-level `network:` key.' });
  return docs;
}

function typeSummary(schemas: JsonSchema[]): string | undefined {
  const types = new Set<string>();
  for (const s of schemas) for (const t of Array.isArray(s.type) ? s.type : s.type ? [s.type] : []) types.add(String(t));
  return types.size ? [...types].join(' | ') : undefined;
}

function docMarkdown(d: PropertyDoc): string {
  const parts = [`**${d.name}**${typeSummary(d.schemas) ? ` (${typeSummary(d.schemas)})` : ''}`];
  if (d.description) parts.push(rstToMarkdown(d.description));
  if (d.deprecated) parts.push(`*Deprecated${d.deprecated.version ? ` in cloud-init ${d.deprecated.version}` : ''}.*${d.deprecated.description ? ` ${rstToMarkdown(d.deprecated.description)}` : ''}`);
  const values = valuesOf(d.schemas);
  if (values.length && values.length <= 20) parts.push(`Values: ${values.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}`);
  return parts.join('\n\n');
}

const oneLine = (s: string | undefined) => (s ? rstToMarkdown(s).split(/(?<=\.)\s/)[0].replace(/\s+/g, ' ').slice(0, 120) : undefined);

/** Completion at `offset` of a cloud-init file's text: headers, keys, values. */
export function cloudInitCompletions(kind: CloudInitKind, text: string, offset: number): CompletionItem[] {
  const index = new LineIndex(text);
  const at = index.positionAt(offset);
  const lines = text.split(/\r\n|\r|\n/);
  const line = lines[at.line] ?? '';
  const before = line.slice(0, at.character);

  if (kind === 'user-data' && at.line === 0) {
    const b = { start: 0, end: line.length };
    const range: Range = { start: { line: 0, character: b.start }, end: { line: 0, character: b.end } };
    return USER_DATA_HEADERS.map((h, i) => ({ label: h.prefix, kind: 'keyword' as const, detail: h.mime, documentation: h.description, insertText: h.prefix === '#!' ? '#!/bin/sh' : h.prefix, range, sortText: h.type === 'cloud-config' ? '0' : String(i + 1) }));
  }

  const cur = shape(before);
  const keyPosition = /^\s*(?:-\s+)*[^\s:#'"]*$/.test(before);
  if (keyPosition) {
    const path = containerPath(lines, at.line, cur, cur.keyCol);
    const b = wordBounds(line, at.character, /[^\s:#'"]/);
    const range: Range = { start: { line: at.line, character: b.start }, end: { line: at.line, character: b.end } };
    const present = siblingKeys(lines, at.line, cur.keyCol);
    const items: CompletionItem[] = [...propertyDocs(kind, text, path).values()]
      .filter((d) => !present.has(d.name))
      .map((d) => ({
        label: d.name,
        kind: 'property' as const,
        detail: d.deprecated ? `deprecated${d.deprecated.version ? ` (${d.deprecated.version})` : ''}` : oneLine(d.description),
        documentation: docMarkdown(d),
        insertText: `${d.name}: `,
        range,
        sortText: `${d.deprecated ? 'z' : 'a'}${d.name}`,
      }));
    // A list item may also be a plain value (an enum).
    if (cur.dashes.length && kind !== 'meta-data') items.push(...valueItems(kind, text, path, range));
    return items;
  }

  if (cur.key !== undefined && cur.keyEnd !== undefined && at.character > cur.keyEnd) {
    const path = [...containerPath(lines, at.line, cur, cur.keyCol), cur.key];
    const b = wordBounds(line, at.character, /[^\s:#,[\]{}]/);
    const range: Range = { start: { line: at.line, character: b.start }, end: { line: at.line, character: b.end } };
    return valueItems(kind, text, path, range);
  }
  return [];
}

function valueItems(kind: CloudInitKind, text: string, path: Path, range: Range): CompletionItem[] {
  if (kind === 'meta-data') {
    if (path.length === 1 && path[0] === 'dsmode') return ['local', 'net', 'disabled'].map((v) => ({ label: v, kind: 'value' as const, insertText: v, range }));
    return [];
  }
  const s = schemaFor(kind, text);
  if (!s) return [];
  const values = valuesOf(schemasAt(s.root, schemaPath(kind, path)));
  return values.map((v) => ({ label: typeof v === 'string' ? v : JSON.stringify(v), kind: 'value' as const, insertText: typeof v === 'string' ? v : JSON.stringify(v), range }));
}

/** Keys already written in the mapping the cursor is in (same indentation, same block). */
function siblingKeys(lines: string[], lineNo: number, col: number): Set<string> {
  const out = new Set<string>();
  for (const dir of [-1, 1]) {
    for (let l = lineNo + dir; l >= 0 && l < lines.length; l += dir) {
      const s = shape(lines[l]);
      if (!s.content.trim() || s.content.startsWith('#')) continue;
      if (s.keyCol < col) break;
      // A "- " before the key starts this list item (going up) or the next one (going down).
      const itemStart = s.dashes.length > 0 && s.dashes[0] < col;
      if (itemStart && dir === 1) break;
      if (s.keyCol === col && s.key !== undefined) out.add(s.key);
      if (itemStart) break;
    }
  }
  return out;
}

/** Hover at `offset`: a key's documentation from the schema, or the header's meaning. */
export function cloudInitHover(kind: CloudInitKind, text: string, offset: number): HoverInfo | undefined {
  const index = new LineIndex(text);
  const at = index.positionAt(offset);
  const lines = text.split(/\r\n|\r|\n/);
  const line = lines[at.line] ?? '';
  if (kind === 'user-data' && at.line === 0) {
    const h = USER_DATA_HEADERS.find((x) => line.startsWith(x.prefix));
    if (!h) return undefined;
    return { markdown: `**${h.prefix}** (${h.mime})\n\n${h.description}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: line.length } } };
  }
  const s = shape(line);
  if (s.key === undefined || s.keyEnd === undefined || at.character < s.keyCol || at.character > s.keyEnd) return undefined;
  const path = containerPath(lines, at.line, s, s.keyCol);
  const doc = propertyDocs(kind, text, path).get(s.key);
  if (!doc) return undefined;
  return { markdown: docMarkdown(doc), range: { start: { line: at.line, character: s.keyCol }, end: { line: at.line, character: s.keyEnd } } };
}
