// Content hashes of big files, kept across runs: a file's sha256 is computed once for a given
// identity (size, mtime, inode; common/fileIdentity's imageIdentityVerdict) and stored in a small
// JSON file beside the build record, so a deploy of an unchanged project reads no image data (a
// 2 TB base takes many minutes to hash). When only the change time moved (libvirt's chown of an
// image as a VM starts, or a rewrite with the size kept and the mtime set back), a sample of
// the bytes decides: the same sample keeps the hash, another one reads the file again.
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { throwIfAborted } from '../common/errors';
import type { FileHash } from '../build/buildState';
import { identityOf, type FileIdentity } from '../common/fileIdentity';
import { SAMPLE_WHOLE, sampleHash, stillRecorded, type Sampled } from './fileIdentityCheck';
import { writeAtomically } from './atomicFile';
import { makeFoldersSync } from './makeFolders';

export const HASH_CACHE_FILE = '.vmcontext-hashes.json';

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A hash, or for a copy the identity of the file it was copied from (sha256 may then be ''). */
type CacheEntry = FileHash & Sampled & { copyOf?: Sampled & { path: string } };

interface CacheFile {
  version: 1;
  files: Record<string, CacheEntry>;
}

export class FileHashCache {
  private readonly used = new Set<string>();
  private dirty = false;
  /** Bytes read to hash files in this run (0 when every hash came from the cache). */
  bytesHashed = 0;
  /** Bytes read to check samples of files whose change time alone moved. */
  bytesSampled = 0;

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

  /** The sha256 of `file`, read only when it changed since it was last hashed (kept). */
  async hash(file: string, signal?: AbortSignal, onRead?: (file: string, size: number) => void): Promise<string> {
    throwIfAborted(signal);
    const abs = path.resolve(file);
    const st = await fsp.stat(abs);
    this.used.add(abs);
    const e = this.entries[abs];
    // '' is a copy whose hash was never computed.
    if (e?.sha256 && (await this.kept(abs, e, st))) return e.sha256;
    onRead?.(abs, st.size);
    const sha256 = await sha256File(abs, signal);
    this.bytesHashed += st.size;
    this.entries[abs] = { ...identityOf(st), sha256, sample: st.size <= SAMPLE_WHOLE ? sha256 : await sampleHash(abs, st.size) };
    this.dirty = true;
    return sha256;
  }

  /** stillRecorded, counting the bytes it samples; a record it brings up to date is saved. */
  private kept(abs: string, r: Sampled, st: FileIdentity): Promise<boolean> {
    return stillRecorded(abs, r, st, (bytes) => {
      this.bytesSampled += bytes;
      this.dirty = true;
    });
  }

  /**
   * Records that `to` was just copied from `from`, so that while neither changes they are
   * known to be the same without reading either (a 2 TB base is not hashed after its copy).
   */
  async recordCopy(from: string, to: string): Promise<void> {
    const [src, dst] = [path.resolve(from), path.resolve(to)];
    const [a, b] = await Promise.all([fsp.stat(src), fsp.stat(dst)]);
    this.used.add(dst);
    const s = this.entries[src];
    const known = s?.sha256 && (await this.kept(src, s, a)) ? s.sha256 : '';
    // The copy holds the source's bytes (it was just made from it): one sample serves both, and
    // a file sampled whole has its hash too.
    const sample = await sampleHash(src, a.size);
    const sha256 = known || (a.size <= SAMPLE_WHOLE ? sample : '');
    this.entries[dst] = { ...identityOf(b), sha256, sample, copyOf: { path: src, ...identityOf(a), sample } };
    this.dirty = true;
  }

  /** `to` is an unchanged copy of an unchanged `from`, as recorded by recordCopy. */
  async isUnchangedCopy(from: string, to: string): Promise<boolean> {
    const [src, dst] = [path.resolve(from), path.resolve(to)];
    const e = this.entries[dst];
    if (!e?.copyOf || e.copyOf.path !== src) return false;
    const [a, b] = await Promise.all([fsp.stat(src).catch(() => undefined), fsp.stat(dst).catch(() => undefined)]);
    if (!a || !b || !(await this.kept(dst, e, b)) || !(await this.kept(src, e.copyOf, a))) return false;
    this.used.add(dst);
    return true;
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
