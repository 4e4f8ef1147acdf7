// Name mapping for the two name trees: ISO 9660 level-1 (8.3 d-characters) for the primary
// tree and Joliet (UCS-2, at most 64 characters). Both are resolved per directory so that no
// two entries share an identifier, deterministically (input order does not matter).

export interface PrimaryName {
  /** Identifier as written: `NAME.EXT;1` for files, `NAME` for directories. */
  id: string;
  base: string;
  ext: string;
}

/** Not a d-character: one code point (a surrogate pair is one character). */
const NOT_D_CHAR = /[^A-Z0-9_]/gu;

/**
 * Upper-cased, every character that is not a d-character (A-Z 0-9 _) made `_`, one per code
 * point. One replace: names built character by character made much of the layout's garbage.
 */
function dChars(text: string): string {
  return text.toUpperCase().replace(NOT_D_CHAR, '_');
}

function primaryOf(base: string, ext: string, isDir: boolean): PrimaryName {
  return { base, ext, id: isDir ? base : `${base}.${ext};1` };
}

/** The natural 8.3 name of one entry, before collisions are resolved. */
export function naturalPrimaryName(name: string, isDir: boolean): PrimaryName {
  // A directory has no extension; a file's is after its last dot (not a leading one).
  const dot = isDir ? -1 : name.lastIndexOf('.');
  const base = dChars(dot > 0 ? name.slice(0, dot) : name).slice(0, 8) || '_';
  const ext = dot > 0 ? dChars(name.slice(dot + 1)).slice(0, 3) : '';
  return primaryOf(base, ext, isDir);
}

export interface NameInput {
  name: string;
  isDir: boolean;
}

/**
 * Gives every entry of one directory a unique identifier. Entries whose natural name is
 * unique keep it; the others, in order of their real names, get a numeric tail
 * (`POST_000.;1`, `POST_001.;1`, ...) that is free in the directory.
 */
export function resolveNames<T>(entries: readonly NameInput[], natural: (e: NameInput) => T, key: (n: T) => string,
  withTail: (n: T, tail: string, e: NameInput) => T): T[] {
  const naturals = entries.map(natural);
  // Mostly every natural name is unique already: then that is the answer, with no more maps.
  const seen = new Set<string>();
  for (let i = 0; i < naturals.length && seen.size === i; i++) seen.add(key(naturals[i]));
  if (seen.size === naturals.length) return naturals;
  const counts = new Map<string, number>();
  for (const n of naturals) counts.set(key(n), (counts.get(key(n)) ?? 0) + 1);
  const taken = new Set<string>();
  const result: (T | undefined)[] = new Array(entries.length);
  naturals.forEach((n, i) => {
    if (counts.get(key(n)) === 1) {
      result[i] = n;
      taken.add(key(n));
    }
  });
  const rest = entries.map((_, i) => i).filter((i) => result[i] === undefined);
  rest.sort((a, b) => compareStrings(entries[a].name, entries[b].name));
  // In each group of look-alikes the first real name keeps the natural identifier.
  const firsts = new Set<string>();
  for (const i of rest) {
    const k = key(naturals[i]);
    if (!firsts.has(k) && !taken.has(k)) {
      firsts.add(k);
      result[i] = naturals[i];
      taken.add(k);
    }
  }
  // Next tail to try per natural name, so thousands of look-alike names stay linear.
  const nextTail = new Map<string, number>();
  for (const i of rest) {
    if (result[i] !== undefined) continue;
    const n = naturals[i];
    let pick: T | undefined;
    let k = nextTail.get(key(n)) ?? 0;
    for (; pick === undefined; k++) {
      const candidate = withTail(n, String(k).padStart(3, '0'), entries[i]);
      if (!taken.has(key(candidate))) pick = candidate;
    }
    nextTail.set(key(n), k);
    result[i] = pick;
    taken.add(key(pick));
  }
  return result as T[];
}

export function resolvePrimaryNames(entries: readonly NameInput[]): PrimaryName[] {
  return resolveNames(entries, (e) => naturalPrimaryName(e.name, e.isDir), (n) => n.id, (n, tail, e) =>
    primaryOf(n.base.slice(0, Math.max(1, 8 - tail.length)) + tail, n.ext, e.isDir));
}

export const JOLIET_MAX = 64;
/**
 * What UCS-2 Joliet names cannot hold, each made one `_`: a high surrogate with the code unit
 * after it (a character outside the BMP), a lone surrogate, control characters and * / : ; ? \.
 */
const JOLIET_BAD = /[\ud800-\udbff][\s\S]|[\u0000-\u001f*/:;?\\\ud800-\udfff]/g;

/** The Joliet name of one entry: UCS-2 only (no surrogate pairs), forbidden characters → `_`. */
export function naturalJolietName(name: string): string {
  return fitJoliet(name.replace(JOLIET_BAD, '_'), '');
}

/** Truncates to 64 characters keeping a short extension, with `tail` before the extension. */
function fitJoliet(name: string, tail: string): string {
  if (name.length + tail.length <= JOLIET_MAX) return insertTail(name, tail);
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const base = name.slice(0, name.length - ext.length);
  return base.slice(0, JOLIET_MAX - ext.length - tail.length) + tail + ext;
}

function insertTail(name: string, tail: string): string {
  if (!tail) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) + tail + name.slice(dot) : name + tail;
}

export function resolveJolietNames(entries: readonly NameInput[]): string[] {
  return resolveNames(entries, (e) => naturalJolietName(e.name), (n) => n, (n, tail) => fitJoliet(n, `~${tail}`));
}

/** Code-unit order: the same order for every locale and run. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ECMA-119 9.3 order of primary identifiers: name, then extension, each padded with spaces. */
export function comparePrimary(a: PrimaryName, b: PrimaryName): number {
  return comparePadded(a.base, b.base) || comparePadded(a.ext, b.ext);
}

/** compareStrings of both padded with spaces to one length, without making the padded strings (sorts make many). */
function comparePadded(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a.charCodeAt(i) : 0x20;
    const y = i < b.length ? b.charCodeAt(i) : 0x20;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
