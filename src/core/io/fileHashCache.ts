// Content hashes of big files, kept across runs: a file's sha256 is computed once for a given
// identity (size, mtime, inode) and stored in a small JSON file beside the build record, so a
// deploy of an unchanged project reads no image data (a 2 TB base takes many minutes to hash).
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../common/errors';
import { cachedHash, type FileHash } from '../build/buildState';
import { writeAtomically } from './atomicFile';

export const HASH_CACHE_FILE = '.vmcontext-hashes.json';

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface CacheFile {
  version: 1;
  files: Record<string, FileHash>;
}

export class FileHashCache {
  private readonly used = new Set<string>();
  private dirty = false;
  /** Bytes read to hash files in this run (0 when every hash came from the cache). */
  bytesHashed = 0;

  private constructor(
    private readonly file: string | undefined,
    private readonly entries: Record<string, FileHash>,
  ) {}

  /** The cache kept in `file`; an unreadable or foreign file counts as empty. Undefined: in memory only. */
  static async open(file?: string): Promise<FileHashCache> {
    let entries: Record<string, FileHash> = {};
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
    const known = cachedHash({ version: 1, files: this.entries }, abs, st);
    if (known) return known;
    onRead?.(abs, st.size);
    const sha256 = await sha256File(abs, signal);
    this.bytesHashed += st.size;
    this.remember(abs, st, sha256);
    return sha256;
  }

  /** Records a hash known without reading, e.g. of a copy just made from a file of known hash. */
  async record(file: string, sha256: string): Promise<void> {
    const abs = path.resolve(file);
    this.used.add(abs);
    this.remember(abs, await fsp.stat(abs), sha256);
  }

  private remember(abs: string, st: Stats, sha256: string): void {
    this.entries[abs] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
    this.dirty = true;
  }

  /** Writes the cache (atomically) with the entries used in this run; others are dropped. */
  async save(): Promise<void> {
    if (!this.file) return;
    const files: Record<string, FileHash> = {};
    for (const k of Object.keys(this.entries)) if (this.used.has(k)) files[k] = this.entries[k];
    if (!this.dirty && Object.keys(files).length === Object.keys(this.entries).length) return;
    const text = JSON.stringify({ version: 1, files } satisfies CacheFile, null, 1) + '\n';
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    await writeAtomically(this.file, (f) => f.write(Buffer.from(text)));
    this.dirty = false;
  }
}
