// RELAX NG schemas read from disk: the compiler, the compiled-schema cache and the domain-schema
// chooser over node:fs.
//
// The cache keeps a compiled schema (relaxng/serialize.ts) in the user's cache folder, so a
// `vmctx check` of a few templates does not compile libvirt's domain.rng (about 0.3–0.6 s) each
// time. An entry is used only if its header matches: the engine that wrote it (the format and
// the running bundle's size and time), the schema's path, the SHA-256 of every file the compile
// read (the schema and all it includes) and of the entry's own body. Anything else — a changed
// or missing file, a truncated, corrupt or foreign entry — means compiling afresh and rewriting
// the entry (atomically); a cache that cannot be written is only a slower next run.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { makeFoldersSync } from './makeFolders';
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

/** Compiles a schema file, following its includes on disk (no cache). */
export function compileRngSchemaFile(file: string): RngSchema {
  return compileRngSchema(file, (p) => decodeSchemaBytes(readFileSync(p)));
}

/** A schema file's text, decoded by its BOM or encoding declaration as Jing reads it. */
function decodeSchemaBytes(bytes: Uint8Array): string {
  const decoded = decodeXml(bytes);
  if (decoded.error) throw new Error(`line ${decoded.error.line + 1}: ${decoded.error.message}`);
  return decoded.text;
}

const MAGIC = 'vm-context compiled RELAX NG schema';

interface EntryHeader {
  magic: string;
  engine: string;
  schema: string;
  /** Every file the compile read, with the SHA-256 of its bytes. */
  files: Array<[string, string]>;
  /** SHA-256 of the body (the serialized schema) after the header line. */
  body: string;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

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
  const abs = path.resolve(file);
  return path.join(cacheDir, 'rng', `${sha256(`${abs}\0${engineId}`).slice(0, 32)}.json`);
}

export interface SchemaCacheResult {
  schema: RngSchema;
  /** 'hit': read from the cache; 'compiled': compiled (and the entry written if it could be). */
  from: 'hit' | 'compiled';
}

/**
 * Compiles a schema file, or reads it from the compiled-schema cache in `cacheDir` when the
 * entry there is for exactly these files; `cacheDir` null compiles without a cache.
 * Throws RngSchemaError as compileRngSchemaFile does (failed compiles are not cached).
 */
export function loadRngSchemaFile(file: string, cacheDir: string | null = userCacheDir() ?? null): SchemaCacheResult {
  const abs = path.resolve(file);
  if (cacheDir === null) return { schema: compileRngSchemaFile(abs), from: 'compiled' };
  const entry = schemaCacheEntry(cacheDir, abs);
  noteSchemaCacheUse(entry);
  const cached = readEntry(entry, abs);
  if (cached) return { schema: cached, from: 'hit' };
  const files: Array<[string, string]> = [];
  const schema = compileRngSchema(abs, (p) => {
    const bytes = readFileSync(p);
    files.push([p, sha256(bytes)]);
    return decodeSchemaBytes(bytes);
  });
  try {
    const body = serializeSchema(schema);
    const header: EntryHeader = { magic: MAGIC, engine: engine(), schema: schema.file, files, body: sha256(body) };
    makeFoldersSync(path.dirname(entry));
    writeFileAtomicallySync(entry, `${JSON.stringify(header)}\n${body}`);
  } catch {
    // A read-only or full cache folder: the schema is compiled, only the next run is slower.
  }
  return { schema, from: 'compiled' };
}

/** The cached schema if the entry is whole, written by this engine, and for these very files. */
function readEntry(entry: string, abs: string): RngSchema | undefined {
  try {
    const text = readFileSync(entry, 'utf8');
    const nl = text.indexOf('\n');
    if (nl < 0) return undefined;
    const h = JSON.parse(text.slice(0, nl)) as EntryHeader;
    if (!h || h.magic !== MAGIC || h.engine !== engine() || h.schema !== abs.replace(/\\/g, '/') || !Array.isArray(h.files) || h.files.length === 0) return undefined;
    for (const f of h.files) {
      if (!Array.isArray(f) || typeof f[0] !== 'string' || sha256(readFileSync(f[0])) !== f[1]) return undefined;
    }
    const body = text.slice(nl + 1);
    if (sha256(body) !== h.body) return undefined;
    return deserializeSchema(body, h.schema);
  } catch {
    // Missing, unreadable or not ours: compile instead.
    return undefined;
  }
}

/** The process's DomainSchemas; `bundledPath` is schemas/domain-template.rng as installed. Compiled schemas go through the cache in `cacheDir`. */
export function createDomainSchemas(bundledPath: string, cacheDir: string | null = userCacheDir() ?? null, files: SyncFileReader = nodeSyncFileReader): DomainSchemas {
  return new DomainSchemas(files, bundledPath, (file) => loadRngSchemaFile(file, cacheDir).schema);
}
