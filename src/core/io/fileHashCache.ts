// Content hashes of big files, kept across runs: a file's sha256 is computed once for a given
// identity (size, mtime, inode) and stored in a small JSON file beside the build record, so a
// deploy of an unchanged project reads no image data (a 2 TB base takes many minutes to hash).
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../common/errors';
import { cachedHash, sameIdentity, type FileHash } from '../build/buildState';
import { writeAtomically } from './atomicFile';
import { makeFoldersSync } from './makeFolders';

export const HASH_CACHE_FILE = '.vmcontext-hashes.json';

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

type Identity = Pick<FileHash, 'size' | 'mtimeMs' | 'ino'>;

/** A hash, or for a copy the identity of the file it was copied from (sha256 may then be ''). */
type CacheEntry = FileHash & { copyOf?: Identity & { path: string } };

interface CacheFile {
  version: 1;
  files: Record<string, CacheEntry>;
}

const identity = (st: Identity): Identity => ({ size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });

export class FileHashCache {
  private readonly used = new Set<string>();
  private dirty = false;
  /** Bytes read to hash files in this run (0 when every hash came from the cache). */
  bytesHashed = 0;

  private constructor(
    private readonly file: string | undefined,
    private readonly entries: Record<string, CacheEntry>,
  ) {}

  /** The cache kept in `file`; an unreadable or foreign file counts as empty. Undefined: in memory only. */
  static async open(file?: string): Promise<FileHashCache> {
    let entries: Record<string, CacheEntry> = {};
    if (file) {
      try {
        const parsed = JSON.parse(await fsp.readFile(file, 'utf8')) as Partial<CacheFile>;
        if (parsed.version === 1 && parsed.files && typeof parsed.files === 'object') entries = parsed.files;
      } catch {
        // Missing or damaged: hashes are computed again.
      }
    }
    return new FileHashCache(file, entries);
  }

  /** The sha256 of `file`, read only when its identity changed since it was last hashed. */
  async hash(file: string, signal?: AbortSignal, onRead?: (file: string, size: number) => void): Promise<string> {
    throwIfAborted(signal);
    const abs = path.resolve(file);
    const st = await fsp.stat(abs);
    this.used.add(abs);
    const known = cachedHash({ files: this.entries }, abs, st);
    // '' is a copy whose hash was never computed.
    if (known) return known;
    onRead?.(abs, st.size);
    const sha256 = await sha256File(abs, signal);
    this.bytesHashed += st.size;
    this.remember(abs, st, sha256);
    return sha256;
  }

  /**
   * Records that `to` was just copied from `from`, so that while neither changes they are
   * known to be the same without reading either (a 2 TB base is not hashed after its copy).
   */
  async recordCopy(from: string, to: string): Promise<void> {
    const [src, dst] = [path.resolve(from), path.resolve(to)];
    const [a, b] = await Promise.all([fsp.stat(src), fsp.stat(dst)]);
    this.used.add(dst);
    const known = cachedHash({ files: this.entries }, src, a);
    this.entries[dst] = { ...identity(b), sha256: known ?? '', copyOf: { path: src, ...identity(a) } };
    this.dirty = true;
  }

  /** `to` is an unchanged copy of an unchanged `from`, as recorded by recordCopy. */
  async isUnchangedCopy(from: string, to: string): Promise<boolean> {
    const [src, dst] = [path.resolve(from), path.resolve(to)];
    const e = this.entries[dst];
    if (!e?.copyOf || e.copyOf.path !== src) return false;
    const [a, b] = await Promise.all([fsp.stat(src).catch(() => undefined), fsp.stat(dst).catch(() => undefined)]);
    if (!a || !b || !sameIdentity(e, b) || !sameIdentity(e.copyOf, a)) return false;
    this.used.add(dst);
    return true;
  }

  private remember(abs: string, st: Stats, sha256: string): void {
    this.entries[abs] = { ...identity(st), sha256 };
    this.dirty = true;
  }

  /** Writes the cache (atomically) with the entries used in this run; others are dropped. */
  async save(): Promise<void> {
    if (!this.file) return;
    const files: Record<string, CacheEntry> = {};
    for (const k of Object.keys(this.entries)) if (this.used.has(k)) files[k] = this.entries[k];
    if (!this.dirty && Object.keys(files).length === Object.keys(this.entries).length) return;
    const text = JSON.stringify({ version: 1, files } satisfies CacheFile, null, 1) + '\n';
    makeFoldersSync(path.dirname(this.file));
    await writeAtomically(this.file, (f) => f.write(Buffer.from(text)));
    this.dirty = false;
  }
}
