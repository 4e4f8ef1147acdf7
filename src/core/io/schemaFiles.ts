// RELAX NG schemas read from disk: the compiler, the compiled-schema cache and the domain-schema
// chooser over node:fs.
//
// The cache keeps a compiled schema (relaxng/serialize.ts) in the user's cache folder, so a
// `vmctx check` of a few templates does not compile libvirt's domain.rng (about 0.3–0.6 s) each
// time. An entry is used only if its header matches: the engine that wrote it (the format and
// the running bundle's size and time), the schema's path, every file the compile read (the schema
// and all it includes) and the CRC-32 of the entry's own body. A file counts as unchanged when its
// identity is the one recorded (common/fileIdentity.ts's rule for inputs: size, mtime, inode and
// ctime), else when its SHA-256 is:
// ctime cannot be set back by a user, so a file rewritten with its size kept and its mtime set
// back is still hashed, and a warm check hashes nothing (node:crypto alone cost it 5 ms). Anything
// else — a changed or missing file, a truncated, corrupt or foreign entry — means compiling afresh
// and rewriting the entry (atomically); a cache that cannot be written is only a slower next run.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { makeFoldersSync } from './makeFolders';
import { readRegularFileSync } from './regularFile';
import * as path from 'node:path';
import { compileRngSchema, type RngSchema } from '../relaxng';
import { COMPILED_SCHEMA_FORMAT, deserializeSchema, serializeSchema } from '../relaxng/serialize';
import { DomainSchemas } from '../validation/domain/domainSchema';
import { decodeXml } from '../xml/encoding';
import { nodeSyncFileReader } from './nodeFileSystem';
import type { SyncFileReader } from '../common/fileSystem';
import { writeFileAtomicallySync } from './atomicFile';
import { noteSchemaCacheUse } from './schemaCachePrune';
import { userCacheDir } from './userCacheDir';
import { crc32Function } from './crc32';
import { fnv1a32 } from '../common/textHash';
import { identityOf, inputUnchanged, type FileIdentity } from '../common/fileIdentity';

/** Compiles a schema file, following its includes on disk (no cache). */
export function compileRngSchemaFile(file: string): RngSchema {
  return compileRngSchema(file, (p) => decodeSchemaBytes(readRegularFileSync(p).bytes));
}

/** A schema file's text, decoded by its BOM or encoding declaration as Jing reads it. */
function decodeSchemaBytes(bytes: Uint8Array): string {
  const decoded = decodeXml(bytes);
  if (decoded.error) throw new Error(`line ${decoded.error.line + 1}: ${decoded.error.message}`);
  return decoded.text;
}

const MAGIC = 'vm-context compiled RELAX NG schema 2';

/** A file the compile read: its path, the SHA-256 of its bytes and its identity when it was read (settledIdentity()) or null. */
type FileRecord = [path: string, sha256: string, identity: FileIdentity | null];

interface EntryHeader {
  magic: string;
  engine: string;
  schema: string;
  files: FileRecord[];
  /** Checksum of the body (the serialized schema) after the header line: bodyChecksum(). */
  body: string;
}

/**
 * How long before it was read a file must have last changed for its identity to be trusted, in
 * ms. A change within the file system's timestamp granularity (2 s on FAT; a clock tick on Linux)
 * after the read could leave ctime as it was; such a file is recorded without an identity and
 * hashed on the next load, which then records it.
 */
export const SETTLED_MS = 3000;

/** The file's identity (common/fileIdentity.ts: size, mtime, inode, ctime), or null when it changed too recently to be told from a later change (SETTLED_MS). */
function settledIdentity(st: Stats, readAtMs: number): FileIdentity | null {
  const settled = readAtMs - SETTLED_MS;
  return st.ctimeMs < settled && st.mtimeMs < settled ? identityOf(st) : null;
}

/** A recorded identity as read back from an entry's JSON (anything else: none). */
const recordedIdentity = (v: unknown): FileIdentity | null =>
  v !== null && typeof v === 'object' && ['size', 'mtimeMs', 'ino', 'ctimeMs'].every((k) => typeof (v as Record<string, unknown>)[k] === 'number') ? (v as FileIdentity) : null;

/** A file's bytes and identity, from one open file (the bytes read are those of the inode stated). */
function readWithIdentity(file: string): { bytes: Buffer; identity: FileIdentity | null } {
  const readAt = Date.now();
  const { bytes, st } = readRegularFileSync(file);
  return { bytes, identity: settledIdentity(st, readAt) };
}

/** SHA-256 in hex; node:crypto is loaded only when a file must be hashed (a compile, a changed identity). */
function sha256(data: string | Uint8Array): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(data).digest('hex');
}

/** The body's checksum: zlib's CRC-32 where Node has it (no node:crypto to load), else SHA-256; tagged so that either reads the other's as a miss. */
function bodyChecksum(body: string): string {
  const crc32 = crc32Function();
  return crc32 ? `crc32:${crc32(body).toString(16)}` : `sha256:${sha256(body)}`;
}

let engineId: string | undefined;
/**
 * What wrote an entry: the format and the running code. Bundled (dist/cli.js, dist/extension.js),
 * the bundle's size and time; run from the sources (tests, benches), those of the RELAX NG and
 * XML modules, so an edit to the engine never meets an entry compiled by the code before it.
 */
function engine(): string {
  if (engineId === undefined) {
    const files = __filename.endsWith('.ts')
      ? ['relaxng', 'xml'].flatMap((d) => {
          const dir = path.join(__dirname, '..', d);
          return readdirSync(dir).sort().map((f) => path.join(dir, f));
        })
      : [__filename];
    engineId = [COMPILED_SCHEMA_FORMAT, ...files.map((f) => {
      const st = statSync(f);
      return `${path.basename(f)}:${st.size}:${st.mtimeMs}`;
    })].join('/');
  }
  return engineId;
}

/**
 * Where the entry of a schema is: one per schema path and build of the running program (its
 * engine id names the bundle and its size and time). Two installed versions (the extension's and
 * a global vmctx) then keep an entry each instead of recompiling over each other's on every run.
 */
export function schemaCacheEntry(cacheDir: string, file: string, engineId = engine()): string {
  const key = `${path.resolve(file)}\0${engineId}`;
  // 128 bits of four FNV passes (no node:crypto at start-up): a clash only makes two schemas take turns.
  return path.join(cacheDir, 'rng', `${[0x811c9dc5, 0x050c5d1f, 0x2b9b1ac3, 0x6d1a4f77].map((b) => fnv1a32(key, b)).join('')}.json`);
}

export interface SchemaCacheResult {
  schema: RngSchema;
  /** 'hit': read from the cache; 'compiled': compiled (and the entry written if it could be). */
  from: 'hit' | 'compiled';
  /** The files whose bytes were hashed to trust the entry (their identity was not the recorded one). */
  hashed: string[];
}

/**
 * Compiles a schema file, or reads it from the compiled-schema cache in `cacheDir` when the
 * entry there is for exactly these files; `cacheDir` null compiles without a cache.
 * Throws RngSchemaError as compileRngSchemaFile does (failed compiles are not cached).
 */
export function loadRngSchemaFile(file: string, cacheDir: string | null = userCacheDir() ?? null): SchemaCacheResult {
  const abs = path.resolve(file);
  if (cacheDir === null) return { schema: compileRngSchemaFile(abs), from: 'compiled', hashed: [] };
  const entry = schemaCacheEntry(cacheDir, abs);
  noteSchemaCacheUse(entry);
  const cached = readEntry(entry, abs);
  if (cached?.schema) {
    // Files hashed because their identity changed (a copy, a touch, a settled edit) are recorded anew, so the next load hashes none.
    if (cached.refreshed) writeEntry(entry, cached.header, cached.body, cached.refreshed);
    return { schema: cached.schema, from: 'hit', hashed: cached.hashed };
  }
  const files: FileRecord[] = [];
  const schema = compileRngSchema(abs, (p) => {
    const { bytes, identity } = readWithIdentity(p);
    files.push([p, sha256(bytes), identity]);
    return decodeSchemaBytes(bytes);
  });
  try {
    const body = serializeSchema(schema);
    writeEntry(entry, { magic: MAGIC, engine: engine(), schema: schema.file, files, body: bodyChecksum(body) }, body);
  } catch {
    // A body that cannot be made: the schema is compiled, only the next run is slower.
  }
  return { schema, from: 'compiled', hashed: [] };
}

function writeEntry(entry: string, header: EntryHeader, body: string, files = header.files): void {
  try {
    makeFoldersSync(path.dirname(entry));
    writeFileAtomicallySync(entry, `${JSON.stringify({ ...header, files })}\n${body}`);
  } catch {
    // A read-only or full cache folder: the schema is compiled, only the next run is slower.
  }
}

interface ReadEntry {
  schema?: RngSchema;
  header: EntryHeader;
  body: string;
  hashed: string[];
  /** The files with the identities seen now, when some were hashed; undefined when every identity held. */
  refreshed?: FileRecord[];
}

/** The cached schema if the entry is whole, written by this engine, and for these very files. */
function readEntry(entry: string, abs: string): ReadEntry | undefined {
  try {
    const text = readRegularFileSync(entry).bytes.toString('utf8');
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    const h = JSON.parse(text.slice(0, nl)) as EntryHeader;
    if (!h || h.magic !== MAGIC || h.engine !== engine() || h.schema !== abs.replace(/\\/g, '/') || !Array.isArray(h.files) || h.files.length === 0) return undefined;
    const hashed: string[] = [];
    const now: FileRecord[] = [];
    for (const f of h.files) {
      if (!Array.isArray(f) || typeof f[0] !== 'string' || typeof f[1] !== 'string') return undefined;
      const recorded = recordedIdentity(f[2]);
      if (recorded && inputUnchanged(recorded, identityOf(statSync(f[0])))) {
        now.push(f);
        continue;
      }
      const seen = readWithIdentity(f[0]);
      hashed.push(f[0]);
      if (sha256(seen.bytes) !== f[1]) return undefined;
      // Still too recent to be trusted (and recorded so): nothing new to write.
      now.push(seen.identity === null && recorded === null ? f : [f[0], f[1], seen.identity]);
    }
    const body = text.slice(nl + 1);
    if (typeof h.body !== 'string' || bodyChecksum(body) !== h.body) return undefined;
    const refreshed = now.some((f, i) => f !== h.files[i]) ? now : undefined;
    return { schema: deserializeSchema(body, h.schema), header: h, body, hashed, refreshed };
  } catch {
    // Missing, unreadable or not ours: compile instead.
    return undefined;
  }
}

/** The process's DomainSchemas; `bundledPath` is schemas/domain-template.rng as installed. Compiled schemas go through the cache in `cacheDir`. */
export function createDomainSchemas(bundledPath: string, cacheDir: string | null = userCacheDir() ?? null, files: SyncFileReader = nodeSyncFileReader): DomainSchemas {
  return new DomainSchemas(files, bundledPath, (file) => loadRngSchemaFile(file, cacheDir).schema);
}
