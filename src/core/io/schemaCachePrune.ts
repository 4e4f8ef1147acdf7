// Keeps the compiled-schema cache (schemaFiles.ts) from growing for good: it has one entry per
// schema path and program, so a user who checks many projects, each with its own copy of
// libvirt's schemas, would collect them. Each load marks its entry used (its mtime); once a day
// at most, after a new entry is written, a pass off the load removes the entries an older build
// of the same program wrote, those unused for 30 days, and all but the 50 most recently used.
// Only files named as entries (32 hex digits + .json) and dead writers' temporaries are removed;
// a prune that fails changes nothing for the command (the cache is only ever a speed-up).
import { lstatSync, utimesSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { removeStaleTemporaries, writeFileAtomically } from './atomicFile';

export interface PruneLimits {
  /** Entries not used for this long go (ms). */
  unusedFor: number;
  /** At most this many entries stay, the most recently used. */
  keep: number;
  /** At most one prune per this long (ms). */
  every: number;
}

const DAY = 24 * 60 * 60 * 1000;
export const SCHEMA_CACHE_LIMITS: PruneLimits = { unusedFor: 30 * DAY, keep: 50, every: DAY };

/** schemaCacheEntry's names: nothing else in the folder is ever removed (but our temporaries). */
const ENTRY_NAME = /^[0-9a-f]{32}\.json$/;
/** Its mtime is when the folder was last pruned; not an entry. */
export const PRUNED_MARKER = '.last-pruned';

let pending: Promise<string[]> | undefined;
/** The prune started by the last noteSchemaCacheUse, if any (for tests). */
export function schemaCachePrune(): Promise<string[]> | undefined {
  return pending;
}

/**
 * Called as a schema is loaded with its entry's path: marks the entry used (one utimes; nothing
 * read). When there is no entry yet, one is about to be written: if the last prune is a day old,
 * the folder is pruned after the load (setImmediate: the compile and the write are synchronous).
 */
export function noteSchemaCacheUse(entry: string, limits: PruneLimits = SCHEMA_CACHE_LIMITS): void {
  try {
    const now = new Date();
    utimesSync(entry, now, now);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return;
  }
  const dir = path.dirname(entry);
  if (!pruneDue(dir, limits.every)) return;
  pending = new Promise((resolve) => setImmediate(() => resolve(pruneSchemaCache(dir, entry, limits).catch(() => []))));
}

function pruneDue(dir: string, every: number): boolean {
  try {
    const st = lstatSync(path.join(dir, PRUNED_MARKER));
    // A marker that is not a plain file (a folder, a link, a pipe) tells nothing: due, and the
    // prune puts a file in its place (markPruned).
    return !st.isFile() || Date.now() - st.mtimeMs >= every;
  } catch (e) {
    // No marker (never pruned, or no folder yet): due. Any other error: a folder we cannot use.
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

interface Entry {
  file: string;
  mtimeMs: number;
}

/**
 * Prunes the cache folder `dir` now; `current` is the entry just written (kept, and the
 * reference for which engine is the current one). Returns the files removed.
 */
export async function pruneSchemaCache(dir: string, current: string, limits: PruneLimits = SCHEMA_CACHE_LIMITS, now = Date.now()): Promise<string[]> {
  // Marked first: a second process starting meanwhile does not prune the same folder again.
  await markPruned(dir);
  const removed = await removeStaleTemporaries(dir);
  const entries: Entry[] = [];
  for (const name of await fsp.readdir(dir)) {
    if (!ENTRY_NAME.test(name)) continue;
    const file = path.join(dir, name);
    const st = await fsp.lstat(file).catch(() => undefined);
    if (st?.isFile()) entries.push({ file, mtimeMs: st.mtimeMs });
  }
  const reference = await entryEngine(current);
  const doomed = new Set<string>();
  for (const e of entries) {
    if (e.file === current) continue;
    if (now - e.mtimeMs > limits.unusedFor) doomed.add(e.file);
    else if (reference && olderBuild(await entryEngine(e.file), reference)) doomed.add(e.file);
  }
  const left = entries.filter((e) => !doomed.has(e.file) && e.file !== current).sort((a, b) => b.mtimeMs - a.mtimeMs);
  const room = Math.max(0, limits.keep - (entries.some((e) => e.file === current) ? 1 : 0));
  for (const e of left.slice(room)) doomed.add(e.file);
  for (const file of doomed) {
    if (await fsp.unlink(file).then(() => true, () => false)) removed.push(file);
  }
  return removed;
}

/**
 * Writes the marker through a temporary and a rename: whatever holds its name is replaced, never
 * written through (a pipe would block the write for good, a link would empty its target). An
 * empty folder there is taken away first; a folder with something in it is not ours to remove:
 * it stays, and the prune goes on unmarked (it runs only after a new entry, so rarely).
 */
async function markPruned(dir: string): Promise<void> {
  const marker = path.join(dir, PRUNED_MARKER);
  try {
    await writeFileAtomically(marker, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    if (await fsp.rmdir(marker).then(() => true, () => false)) await writeFileAtomically(marker, '').catch(() => undefined);
  }
}

/**
 * Whether `engine` was written by another build of the program that wrote `reference`: the
 * engine id is `FORMAT/NAME:SIZE:MTIME/…` (schemaFiles.ts engine()); the same names with other
 * sizes or times (or format) are an older bundle. Another program's entries (the extension's
 * beside the CLI's) are left to the age and count limits.
 */
function olderBuild(engine: string | undefined, reference: string): boolean {
  if (engine === undefined || engine === reference) return false;
  const program = (id: string) => id.split('/').slice(1).map((part) => part.split(':')[0]).join('/');
  return program(engine) === program(reference);
}

/** The `engine` of an entry's header line (its first line, read up to 256 KiB), else undefined. */
async function entryEngine(file: string): Promise<string | undefined> {
  const fh = await fsp.open(file, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    // Headers are a few KiB (a path and a hash per schema file): read more only when needed.
    for (let size = 16 << 10; size <= 256 << 10; size *= 4) {
      const chunk = Buffer.alloc(size);
      const { bytesRead } = await fh.read(chunk, 0, size, 0);
      const nl = chunk.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) {
        const header = JSON.parse(chunk.subarray(0, nl).toString('utf8')) as { engine?: unknown } | null;
        return typeof header?.engine === 'string' ? header.engine : undefined;
      }
      if (bytesRead < size) return undefined;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await fh.close().catch(() => undefined);
  }
}
