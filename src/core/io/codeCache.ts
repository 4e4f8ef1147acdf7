// Loads the bundles (dist/bundle/*.js and the lazy groups they require) through V8's code cache
// (issue #16): Node 20 has no module.enableCompileCache, so each bundle is compiled with vm.Script
// and the `cachedData` a previous run left in the user's cache folder, which spares V8 parsing
// and compiling the functions that run saw. The cache is produced after the run
// (script.createCachedData()), so it holds the lazily compiled functions too.
//
// An entry is used only when its header names this very runtime (Node, V8, arch, flags), this
// bundle (path, size, mtime) and the CRC-32 of its payload: V8 checks only the source's length,
// and a damaged payload can crash it. V8 may still reject an entry (cachedDataRejected): it is
// then written afresh. Any failure to read or write the cache only means compiling as usual;
// nothing here is ever fatal.
//
// When Node applies source maps (--enable-source-maps), the bundle goes through Node's own loader
// (vm.Script code does not get source-mapped stack traces) and no cache is used.
import { closeSync, existsSync, fstatSync, lstatSync, openSync, readSync, readdirSync, unlinkSync } from 'node:fs';
import { makeFoldersSync } from './makeFolders';
import { READ_NONBLOCKING, readFullySync } from './regularFile';
import { isAscii } from 'node:buffer';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { writeFileAtomicallySync } from './atomicFile';
import { crc32Function } from './crc32';
import { fnv1a32 as hash } from '../common/textHash';
import { userCacheDir } from './userCacheDir';

/** Node's CommonJS loader internals used to load a bundle as Node would (and as the main module). */
interface CjsModule extends NodeJS.Module {
  paths: string[];
  loaded: boolean;
  id: string;
}
interface CjsLoader {
  new (id: string, parent?: NodeJS.Module | null): CjsModule;
  _cache: Record<string, NodeJS.Module>;
  _load(request: string, parent: NodeJS.Module | null, isMain: boolean): unknown;
  _nodeModulePaths(dir: string): string[];
  _resolveFilename(request: string, parent: NodeJS.Module, isMain?: boolean, options?: { paths?: string[] }): string;
  wrap(code: string): string;
}
const Cjs = Module as unknown as CjsLoader;

const MAGIC = 'vm-context code cache 1';
/**
 * The largest entry read, in bytes per byte of its bundle's source: real entries measured 0.9-1.3
 * (cli 0.8 MB for a 0.61 MB bundle with every command merged, extension 0.68 MB for 0.77 MB). A
 * bigger file is damaged or not ours, and reading it whole would cost seconds and its size in
 * memory (a 500 MB entry: 3.5 s, 531 MB); it is passed by unread and written afresh.
 */
const MAX_ENTRY_PER_SOURCE_BYTE = 8;

interface EntryHeader {
  magic: string;
  runtime: string;
  bundle: string;
  source: string;
  crc: number;
  runs: string[];
}

export interface CodeCacheOptions {
  /** The folder of the entries (`<userCacheDir>/code`); undefined: no cache. */
  dir: string | undefined;
  /**
   * The kind of run (a CLI command, `activate`): each kind has its own entry, holding the
   * functions such a run compiles. V8 deserializes an entry whole, so one entry merging every
   * command (0.8 MB) made a small `vmctx check` read and deserialize builds' and deploys' code too.
   */
  run: string;
  /**
   * Runs V8's compile of a bundle that has an entry (the CLI launcher: under V8's default flags,
   * as the entries are written, when its own flags are set by then; V8 refuses an entry made
   * under other flags than its reader's, so a lazy group loaded later would be refused and
   * rewritten on every run).
   */
  aroundCompile?<T>(compile: () => T): T;
}

/** What became of one bundle's entry in this process (the tests read it). */
export type CodeCacheState = 'hit' | 'miss' | 'rejected' | 'stale' | 'off';

interface Loaded {
  file: string;
  script: vm.Script;
  entry: string;
  header: Omit<EntryHeader, 'crc'>;
  /** Whether the entry is to be (re)written after the run. */
  write: boolean;
}

/** The bundles of one process loaded through the cache, and their entries to write at the end. */
export class CodeCache {
  private readonly loaded: Loaded[] = [];
  readonly states = new Map<string, CodeCacheState>();
  private readonly crc32: ((data: Uint8Array) => number) | undefined;
  private readonly runtime = runtimeKey();

  constructor(private readonly options: CodeCacheOptions) {
    this.crc32 = options.dir !== undefined && !process.sourceMapsEnabled ? crc32Function() : undefined;
  }

  /** Whether bundles go through the cache at all (else through Node's loader). */
  get enabled(): boolean {
    return this.options.dir !== undefined && this.crc32 !== undefined && !process.sourceMapsEnabled;
  }

  /**
   * Loads `file` as a CommonJS module (once: a second load returns the cached module's exports),
   * `main`: as the process's main module (`require.main === module` in it). The bundle's
   * relative requires (its lazy groups) are loaded through the cache too.
   */
  load(file: string, parent: NodeJS.Module | null, main = false): unknown {
    const cached = Cjs._cache[file];
    if (cached) return cached.exports;
    if (!this.enabled) {
      this.states.set(file, 'off');
      return main ? Cjs._load(file, null, true) : Cjs._load(file, parent, false);
    }
    const m = new Cjs(file, parent);
    m.filename = file;
    m.paths = Cjs._nodeModulePaths(path.dirname(file));
    if (main) {
      m.id = '.';
      process.mainModule = m;
    }
    const script = this.compile(file);
    const req = ((id: string) => (id.startsWith('.') ? this.load(Cjs._resolveFilename(id, m), m) : m.require(id))) as NodeJS.Require;
    req.resolve = ((request: string, options?: { paths?: string[] }) => Cjs._resolveFilename(request, m, false, options)) as NodeJS.RequireResolve;
    req.main = main ? m : process.mainModule;
    req.cache = Cjs._cache;
    Cjs._cache[file] = m;
    try {
      (script.runInThisContext() as (...args: unknown[]) => void).call(m.exports, m.exports, req, m, file, path.dirname(file));
    } catch (e) {
      delete Cjs._cache[file];
      throw e;
    }
    m.loaded = true;
    return m.exports;
  }

  /** Compiles the bundle's wrapper with its entry's code if there is a usable one. */
  private compile(file: string): vm.Script {
    const { wrapped, size, mtimeMs } = readWrapped(file);
    const header: Omit<EntryHeader, 'crc'> = { magic: MAGIC, runtime: this.runtime, bundle: file, source: `${size}:${mtimeMs}:${wrapped.length - WRAPPER_LENGTH}`, runs: [this.options.run] };
    const { entry, found } = this.findEntry(file, header, MAX_ENTRY_PER_SOURCE_BYTE * size + (64 << 10));
    // The wrapper's first line is longer than the bundle's: keep its columns (minified bundles are one long line).
    const compile = () => new vm.Script(wrapped, { filename: file, columnOffset: -(WRAPPER_HEAD.length - WRAPPER_HEAD.lastIndexOf('\n') - 1), cachedData: found?.data });
    const script = found?.data && this.options.aroundCompile ? this.options.aroundCompile(compile) : compile();
    let state: CodeCacheState = found === undefined ? 'miss' : found.data === undefined ? 'stale' : 'hit';
    if (state === 'hit' && script.cachedDataRejected) state = 'rejected';
    this.states.set(file, state);
    this.loaded.push({ file, script, entry, header, write: state !== 'hit' });
    return script;
  }

  /**
   * The entry of `file` and what it holds. Its name comes from runtime, path and kind of run; when a folder
   * stands there (a user's or a tool's: rename() cannot replace it, and the cache would be off
   * for this bundle for good) the entry goes under a second name instead. The folder is left as
   * it is, empty or not: it is not ours to delete, and a second name costs one more stat.
   */
  private findEntry(file: string, expected: Omit<EntryHeader, 'crc'>, maxBytes: number): { entry: string; found: { data?: Buffer; runs: string[] } | undefined } {
    const base = path.join(this.options.dir!, path.basename(file, '.js'));
    const key = `${this.runtime}\0${file}\0${this.options.run}`;
    let entry = `${base}-${hash(key)}.bin`;
    let read = readEntryFile(entry, maxBytes);
    if (read === 'folder') {
      entry = `${base}-${hash(`${key}\0second`)}.bin`;
      read = readEntryFile(entry, maxBytes);
    }
    return { entry, found: read === undefined || read === 'folder' ? undefined : read === 'damaged' ? { runs: [] } : this.parseEntry(read, expected) };
  }

  /** The entry's code when it is whole and for this runtime and bundle; `data` undefined: an entry of something else. */
  private parseEntry(bytes: Buffer, expected: Omit<EntryHeader, 'crc'>): { data?: Buffer; runs: string[] } {
    try {
      const nl = bytes.indexOf(10);
      const h = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as EntryHeader;
      const data = bytes.subarray(nl + 1);
      const same = nl > 0 && h.magic === expected.magic && h.runtime === expected.runtime && h.bundle === expected.bundle && h.source === expected.source && Array.isArray(h.runs) && h.runs.join('\0') === expected.runs.join('\0');
      if (!same || this.crc32!(data) !== h.crc) return { runs: [] };
      return { data, runs: h.runs };
    } catch {
      return { runs: [] };
    }
  }

  /**
   * Writes the entries of this run's bundles that were missing, rejected, stale or lack this kind
   * of run. Call it once the work is done (the functions it compiled go into the entries); later
   * calls write nothing more. Never throws.
   */
  save(): void {
    let newEntry = false;
    for (const l of this.loaded.splice(0)) {
      if (!l.write) continue;
      try {
        const data = l.script.createCachedData();
        const header: EntryHeader = { ...l.header, crc: this.crc32!(data) };
        makeFoldersSync(this.options.dir!);
        writeFileAtomicallySync(l.entry, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), data]));
        newEntry ||= this.states.get(l.file) === 'miss';
      } catch {
        // A read-only, full or missing cache folder: the next run compiles as this one did.
      }
    }
    if (newEntry) removeOrphanEntries(this.options.dir!);
  }
}

/**
 * An entry's bytes, read with one open, fstat and read: undefined when there is none (or it
 * cannot be read, or is no regular file: a named pipe is opened without blocking and never read),
 * 'folder' when a folder stands in its place, 'damaged' when it is larger than `maxBytes` (then
 * not read at all).
 */
function readEntryFile(entry: string, maxBytes: number): Buffer | 'folder' | 'damaged' | undefined {
  let fd: number;
  try {
    fd = openSync(entry, READ_NONBLOCKING);
  } catch (e) {
    // Linux opens a folder read-only; other systems may refuse with EISDIR.
    return (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'folder' : undefined;
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return 'folder';
    if (!st.isFile()) return undefined;
    if (st.size > maxBytes) return 'damaged';
    const bytes = Buffer.allocUnsafe(st.size);
    return bytes.subarray(0, readFullySync(fd, bytes, st.size, 0));
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Node's module wrapper, `head + source + tail` (Module.wrap), as two strings. */
const [WRAPPER_HEAD, WRAPPER_TAIL] = Cjs.wrap('\0').split('\0') as [string, string];
const WRAPPER_LENGTH = WRAPPER_HEAD.length + WRAPPER_TAIL.length;

/**
 * A bundle's text inside Node's module wrapper, as one flat string, with the bundle's size and
 * modification time. The build makes bundles all ASCII (scripts/build.mjs): the file is read
 * between the wrapper's head and tail in one buffer and decoded as Latin-1 at once, the same
 * string without UTF-8 decoding's intermediate copy (a 0.6 MB bundle took 509 page faults and
 * 10-16 ms as UTF-8, 318 as Latin-1, in this VM where a fault costs about 20 us). Module.wrap()
 * would make a cons string that V8 copies flat when it compiles (another 0.6 MB of fresh pages).
 * A bundle that is not ASCII is decoded as UTF-8 and wrapped as Node would.
 */
function readWrapped(file: string): { wrapped: string; size: number; mtimeMs: number } {
  const fd = openSync(file, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    const head = WRAPPER_HEAD.length;
    const bytes = Buffer.allocUnsafe(head + size + WRAPPER_TAIL.length);
    bytes.write(WRAPPER_HEAD, 0, 'latin1');
    const n = readFullySync(fd, bytes, size, 0, head);
    const body = bytes.subarray(head, head + n);
    // V8 accepts `#!` only at the very start of a script, not inside the module wrapper.
    const shebang = body[0] === 0x23 && body[1] === 0x21;
    if (!isAscii(body)) return { wrapped: Cjs.wrap(shebang ? `//${body.toString('utf8', 2)}` : body.toString('utf8')), size, mtimeMs };
    if (shebang) body.write('//', 0, 'latin1');
    bytes.write(WRAPPER_TAIL, head + n, 'latin1');
    return { wrapped: bytes.toString('latin1', 0, head + n + WRAPPER_TAIL.length), size, mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** An entry's name: the bundle's base name and the hash of runtime, path and kind of run, or of these and "second" (findEntry()). */
const ENTRY_NAME = /^[\w.-]+-[0-9a-f]{8}\.bin$/;

/**
 * Removes the entries whose bundle is gone (an extension or vmctx updated or uninstalled moves
 * its bundles: each version would otherwise leave its entries, a few hundred KB each, for good).
 * Run when a new entry was written, so at most once per new bundle or runtime; reads the first
 * line of each entry only. Entries of other runtimes whose bundle still exists stay (a user may
 * switch Node versions). Files not named as entries are never touched; failures change nothing.
 */
export function removeOrphanEntries(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  const head = Buffer.alloc(16 << 10);
  for (const name of names) {
    if (!ENTRY_NAME.test(name)) continue;
    const file = path.join(dir, name);
    try {
      if (!lstatSync(file).isFile()) continue;
      const fd = openSync(file, 'r');
      let n: number;
      try {
        n = readSync(fd, head, 0, head.length, 0);
      } finally {
        closeSync(fd);
      }
      const nl = head.subarray(0, n).indexOf(10);
      if (nl < 0) continue;
      const h = JSON.parse(head.subarray(0, nl).toString('utf8')) as Partial<EntryHeader> | null;
      if (h?.magic !== MAGIC || typeof h.bundle !== 'string' || !path.isAbsolute(h.bundle) || existsSync(h.bundle)) continue;
      unlinkSync(file);
      removed.push(file);
    } catch {
      // Unreadable, or removed meanwhile by another process: left as it is.
    }
  }
  return removed;
}

/** `<userCacheDir>/code`, the folder of the entries; undefined (no cache) without a cache folder or with VMCTX_CODE_CACHE=off. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.VMCTX_CODE_CACHE === 'off') return undefined;
  const dir = userCacheDir(env);
  return dir === undefined ? undefined : path.join(dir, 'code');
}

/** What V8's code depends on besides the source: Node and V8 versions, the architecture, the flags. */
function runtimeKey(): string {
  return [process.version, process.versions.v8, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? ''].join('|');
}

