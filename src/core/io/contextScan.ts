// Reads a context folder into the ISO writer's tree (synchronous calls, one folder at a
// time with a yield to the event loop in between: see isoFileReader.ts for why). Nothing outside the folder is ever
// followed; what cannot go into the image is reported with its path, never dropped silently.
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { entryJoiner } from '../common/paths';
import type { DiagnosticCode } from '../common/diagnosticCodes';
import { throwIfAborted } from '../common/errors';
import { MAX_DIRECTORIES, MAX_FILE_SIZE, type IsoDirectory, type IsoFile, type IsoProblem, type IsoSymlink } from '../image/iso9660/tree';
import { tooManyDirectories } from '../image/iso9660/layout';
import { linkEndSync } from './nodeFileSystem';
import { brokenLinkMessage, linkInside, type BrokenLink, outsideLinkMessage, specialFileKind, specialFileMessage } from '../image/iso9660/contextEntries';

/** What the build records and hashes of every entry kept, beside its node in the image tree. */
interface Recorded {
  /** '/'-separated path inside the folder. */
  path: string;
  /** The absolute path, made once here (a file's `source`; the build's records are keyed by it). */
  abs: string;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  mtimeMs: number;
  ino: number;
}

/**
 * An entry kept: its node in the image tree and its record in one object (thousands of files:
 * one object each, all of one shape, instead of a node and an entry). `size` is 0 but for files;
 * `ctimeMs` (the inode's change time, which no user can set back, unlike the mtime) is files'
 * only; `target` (as stored in the image) links' only.
 */
export type ScannedEntry =
  | (IsoFile & Recorded & { ctimeMs: number; children?: undefined; target?: undefined })
  | (IsoDirectory & Recorded & { size: 0; source: string; ctimeMs?: undefined; target?: undefined })
  | (IsoSymlink & Recorded & { size: 0; source: string; children?: undefined; ctimeMs?: undefined });

export interface ContextScan {
  /** Absolute path of the folder. */
  rootPath: string;
  root: IsoDirectory;
  /** Every entry kept, in a stable order (for hashing). */
  entries: ScannedEntry[];
  problems: IsoProblem[];
  /** Newest modification time of anything kept, in whole seconds. */
  newestMtime: number;
}

/**
 * A folder's names as listed earlier in the same command (the project loader's walk of the
 * context folder), so the scan does not list it again; undefined for a folder not listed then
 * (it is read here). As readdir gives them, in any order; the scan takes the array (sorts it).
 */
export type FolderListing = (folder: string) => string[] | undefined;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lossyUtf8 = new TextDecoder('utf-8');

export async function scanContext(dir: string, signal?: AbortSignal, listed?: FolderListing): Promise<ContextScan> {
  const rootDir = resolve(dir);
  const problems: IsoProblem[] = [];
  const entries: ScannedEntry[] = [];
  // The folder itself may be a symlink (context -> elsewhere): the image's root takes the
  // mode and date of the folder it points to, not the link's 0777.
  const rootStat = statSync(rootDir);
  let newest = rootStat.mtimeMs;
  const problem = (path: string, code: DiagnosticCode, message: string, severity: IsoProblem['severity'] = 'warning') =>
    problems.push({ path, code, message, severity });

  // Fills a folder's node: one turn of the event loop per folder, none per file (each entry is
  // looked at synchronously; only a folder is awaited, to be filled in turn).
  const visit = async (abs: string, rel: string, node: IsoDirectory): Promise<void> => {
    await new Promise((r) => setImmediate(r));
    throwIfAborted(signal);
    let names: string[];
    try {
      names = listed?.(abs) ?? readdirSync(abs);
      // Node decodes a name that is not UTF-8 with U+FFFD in place of its bad bytes: only a
      // folder with that character in a name is listed again as bytes, to tell which.
      for (let i = 0; i < names.length; i++) {
        if (names[i].includes('\ufffd')) {
          names = utf8Names(readdirSync(abs, { encoding: 'buffer' }), rel);
          break;
        }
      }
    } catch (e) {
      problem(rel || '.', 'iso-unreadable', `folder cannot be read (${(e as NodeJS.ErrnoException).code}); left out of the image`, 'error');
      return;
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const entryPath = entryJoiner(abs);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const childAbs = entryPath(name);
      const childRel = rel ? `${rel}/${name}` : name;
      const c = visitChild(childAbs, childRel, name);
      if (!c) continue;
      node.children.push(c);
      if (c.kind === 'dir') await visit(childAbs, childRel, c);
    }
  };

  const keep = (e: ScannedEntry): ScannedEntry => {
    entries.push(e);
    return e;
  };

  /** The names that are UTF-8; each other one is said and left out. */
  const utf8Names = (raw: Buffer[], rel: string): string[] => {
    const names: string[] = [];
    for (const bytes of raw) {
      try {
        names.push(strictUtf8.decode(bytes));
      } catch {
        const shown = rel ? `${rel}/${lossyUtf8.decode(bytes)}` : lossyUtf8.decode(bytes);
        problem(shown, 'iso-name-encoding', 'name is not valid UTF-8, so no tree of the image can hold it; left out of the image (rename it)');
      }
    }
    return names;
  };

  /** One entry's node (a folder's still empty), or undefined when it stays out of the image (said). */
  const visitChild = (abs: string, rel: string, name: string): ScannedEntry | undefined => {
    let st;
    try {
      st = lstatSync(abs);
    } catch (e) {
      problem(rel, 'iso-unreadable', `cannot be read (${(e as NodeJS.ErrnoException).code}); left out of the image`, 'error');
      return undefined;
    }
    const mode = st.mode & 0o7777;
    // Every kind with the same fields in the same order: one hidden class for the layout's loops.
    if (st.isDirectory()) {
      newest = Math.max(newest, st.mtimeMs);
      return keep({ kind: 'dir', name, mode, size: 0, source: abs, children: [], target: undefined, path: rel, abs, mtimeMs: st.mtimeMs, ino: st.ino, ctimeMs: undefined });
    }
    if (st.isFile()) {
      if (st.size > MAX_FILE_SIZE) {
        // An error, not a warning: an image without one of the inputs must not pass as built.
        problem(rel, 'iso-file-too-large', `is ${st.size} bytes: files of 4 GiB or more need ISO 9660 level 3 multi-extent files, which the image cannot hold here; the build stops (split the file, or keep it out of the context folder)`, 'error');
        return undefined;
      }
      newest = Math.max(newest, st.mtimeMs);
      return keep({ kind: 'file', name, mode, size: st.size, source: abs, children: undefined, target: undefined, path: rel, abs, mtimeMs: st.mtimeMs, ino: st.ino, ctimeMs: st.ctimeMs });
    }
    if (st.isSymbolicLink()) {
      const raw = readlinkSync(abs);
      const target = linkInside(rootDir, rel, raw);
      if (target === undefined) {
        problem(rel, 'iso-symlink-outside', outsideLinkMessage(raw));
        return undefined;
      }
      // Kept (a link is plain Rock Ridge), but a link to nothing is almost always a mistake.
      const broken = brokenLink(abs);
      if (broken) problem(rel, 'iso-symlink-broken', brokenLinkMessage(raw, broken));
      newest = Math.max(newest, st.mtimeMs);
      return keep({ kind: 'symlink', name, mode, size: 0, source: abs, children: undefined, target, path: rel, abs, mtimeMs: st.mtimeMs, ino: st.ino, ctimeMs: undefined });
    }
    problem(rel, 'iso-special-file', specialFileMessage(specialFileKind(st)));
    return undefined;
  };

  const root: IsoDirectory = { kind: 'dir', name: '', mode: rootStat.mode, children: [] };
  await visit(rootDir, '', root);
  const folders = 1 + entries.filter((e) => e.kind === 'dir').length;
  if (folders > MAX_DIRECTORIES) problem('.', 'iso-too-many-folders', tooManyDirectories(folders), 'error');
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { rootPath: rootDir, root, entries, problems, newestMtime: Math.floor(newest / 1000) };
}

/** The last second an ISO 9660 directory record can date: its year is one byte over 1900. */
const LAST_ISO_SECOND = Date.UTC(2155, 11, 31, 23, 59, 59) / 1000;

/** SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the newest input's mtime. */
export function imageDate(env: Record<string, string | undefined>, newestMtime: number): number {
  const s = env.SOURCE_DATE_EPOCH;
  if (s !== undefined && /^\d+$/.test(s.trim())) return Math.min(Number(s.trim()), LAST_ISO_SECOND);
  return newestMtime;
}

/**
 * Why SOURCE_DATE_EPOCH cannot date an image, when it is set (and not empty) but is not a whole
 * number of seconds an ISO can hold; else undefined. reproducible-builds.org: a build given a
 * malformed value should fail, not fall back to another date without a word.
 */
export function sourceDateEpochProblem(env: Record<string, string | undefined>): string | undefined {
  const s = env.SOURCE_DATE_EPOCH?.trim();
  if (!s) return undefined;
  if (/^\d+$/.test(s) && Number(s) <= LAST_ISO_SECOND) return undefined;
  const shown = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `SOURCE_DATE_EPOCH=${shown} cannot date the image: it must be a whole number of seconds since 1970-01-01 UTC, at most ${LAST_ISO_SECOND} (2155-12-31, the last date an ISO 9660 file record holds): unset it, or set it to such a number, as the last commit's date: SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`;
}

/** Whether the link at `abs` leads to nothing (its target missing, or a loop of links). */
function brokenLink(abs: string): BrokenLink | undefined {
  try {
    const end = linkEndSync(abs);
    return typeof end === 'string' ? end : undefined;
  } catch {
    return undefined; // cannot tell (EACCES on the way): the link goes in as it is
  }
}
