// YAML as cloud-init reads it (PyYAML: YAML 1.1, so `yes`/`no` are booleans), with the node
// ranges kept so schema problems point at the key or value they concern.
import { isCollection, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import { diagnostic, type Diagnostic, type Range } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import type { LineIndex } from '../common/text';
import { SOURCE } from './cloudInitTypes';

export interface ParsedYaml {
  doc: Document.Parsed;
  /** The data as cloud-init sees it; undefined when the YAML has errors. */
  data: unknown;
  diagnostics: Diagnostic[];
  /** Maps an offset of the parsed text to a range in the whole file. */
  rangeOf(start: number, end: number): Range;
}

/** A YAML bomb (aliases expanding without end) is refused, not expanded. */
const MAX_ALIAS_COUNT = 1000;

/**
 * Parses `text`, which starts at offset `base` of the file `lines` indexes (a MIME part
 * starts inside the file). YAML errors and duplicate keys become diagnostics at their place.
 */
export function parseYaml(text: string, lines: LineIndex, base = 0): ParsedYaml {
  const rangeOf = (start: number, end: number) => lines.rangeOf(base + start, base + Math.max(end, start + 1));
  // logLevel: problems are reported as diagnostics here, never printed by the library.
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true, prettyErrors: false, logLevel: 'silent' });
  const diagnostics: Diagnostic[] = [];
  // PyYAML refuses a list or mapping as a key ("unhashable"); the yaml library would stringify it.
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key) && pair.key.range) {
        diagnostics.push(diagnostic('cloudinit-yaml-syntax', 'error', 'YAML error: a key must be a plain value, not a list or mapping (cloud-init cannot read the file)', rangeOf(pair.key.range[0], pair.key.range[1]), { source: SOURCE }));
      }
    },
  });
  for (const e of doc.errors) {
    const duplicate = e.code === 'DUPLICATE_KEY';
    const message = duplicate
      ? `duplicate key '${keyAt(text, e.pos[0])}': cloud-init keeps only the last one, so the earlier value is silently lost`
      : `YAML error: ${firstLine(e.message)}`;
    diagnostics.push(diagnostic(duplicate ? 'cloudinit-yaml-duplicate-key' : 'cloudinit-yaml-syntax', 'error', message, rangeOf(e.pos[0], e.pos[1]), { source: SOURCE }));
  }
  for (const w of doc.warnings) {
    diagnostics.push(diagnostic('cloudinit-yaml-warning', 'warning', `YAML: ${firstLine(w.message)}`, rangeOf(w.pos[0], w.pos[1]), { source: SOURCE }));
  }
  let data: unknown;
  // Duplicate keys still give data (the last value wins, as in PyYAML): the schema is checked too.
  if (doc.errors.every((e) => e.code === 'DUPLICATE_KEY') && !diagnostics.length) {
    try {
      data = plainData(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
    } catch (e) {
      diagnostics.push(diagnostic('cloudinit-yaml-syntax', 'error', `YAML error: ${errorMessage(e)}`, rangeOf(0, 1), { source: SOURCE }));
    }
  }
  return { doc, data, diagnostics, rangeOf };
}

function keyAt(text: string, offset: number): string {
  return /^[^:\n]*/.exec(text.slice(offset))![0].trim().replace(/^["']|["']$/g, '');
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
}

/** `!!binary` reads as bytes; cloud-init takes it as the content string, so the schema sees a string. */
function plainData(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(plainData);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plainData(x);
    return out;
  }
  return v;
}

export interface LocatedNode {
  /** The key of the last path segment, when it is a mapping key. */
  key?: Node;
  value?: Node | null;
  /** The innermost node that exists along the path (for paths that stop early). */
  nearest: Node | null;
}

/** Splits an Ajv instancePath ("/users/0/name") into its segments. */
export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Follows a path of keys and indexes through the YAML document. */
export function locate(doc: Document, path: readonly string[]): LocatedNode {
  let node = doc.contents as Node | null;
  let key: Node | undefined;
  let nearest: Node | null = node;
  for (const seg of path) {
    key = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) === seg) as Pair<Node, Node | null> | undefined;
      if (!pair) return { nearest };
      key = pair.key ?? undefined;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (item === undefined) return { nearest };
      node = item;
    } else return { nearest };
    if (node) nearest = node;
  }
  return { key, value: node, nearest };
}

export function keyText(p: unknown): string | undefined {
  if (!isPair(p)) return undefined;
  const k = p.key;
  if (isScalar(k)) return String(k.value);
  return k == null ? undefined : String(k);
}

/** Start and end offsets of a node (its value part, without trailing comments). */
export function nodeSpan(n: Node | null | undefined): [number, number] | undefined {
  const r = n?.range;
  return r ? [r[0], r[1]] : undefined;
}
