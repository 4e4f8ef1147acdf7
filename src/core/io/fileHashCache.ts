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
import { identityOf, imageIdentityVerdict, type FileIdentity } from '../common/fileIdentity';
import { writeAtomically } from './atomicFile';
import { makeFoldersSync } from './makeFolders';

export const HASH_CACHE_FILE = '.vmcontext-hashes.json';

export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file as recorded, with the hash of its sample (sampleHash). */
type Sampled = FileIdentity & { sample?: string };

/** A hash, or for a copy the identity of the file it was copied from (sha256 may then be ''). */
type CacheEntry = FileHash & Sampled & { copyOf?: Sampled & { path: string } };

interface CacheFile {
  version: 1;
  files: Record<string, CacheEntry>;
}

/** Files up to this size are sampled whole: their sample is their sha256. */
const SAMPLE_WHOLE = 8 << 20;
const SAMPLE_EDGE = 1 << 20;
const SAMPLE_BLOCK = 64 << 10;
const SAMPLE_BLOCKS = 62;

/**
 * The hash of a sample of a file's bytes, read in a few milliseconds whatever its size: the
 * whole file up to 8 MiB; beyond, its first and last MiB (an image's headers and tables, and
 * what grows at its end) and 62 blocks of 64 KiB spread evenly between. A rewrite that changes
 * only bytes between the blocks and sets the mtime back is not seen (the price of not reading
 * a 2 TB base image each time a VM starts).
 */
export async function sampleHash(file: string, size: number): Promise<string> {
  if (size <= SAMPLE_WHOLE) return sha256File(file);
  const ranges: Array<[number, number]> = [[0, SAMPLE_EDGE]];
  const span = size - 2 * SAMPLE_EDGE - SAMPLE_BLOCK;
  for (let i = 0; i < SAMPLE_BLOCKS; i++) ranges.push([SAMPLE_EDGE + Math.floor((span * i) / (SAMPLE_BLOCKS - 1)), SAMPLE_BLOCK]);
  ranges.push([size - SAMPLE_EDGE, SAMPLE_EDGE]);
  const hash = createHash('sha256').update(`${size}\n`);
  const buf = Buffer.allocUnsafe(SAMPLE_EDGE);
  const fh = await fsp.open(file, 'r');
  try {
    for (const [at, length] of ranges) {
      const { bytesRead } = await fh.read(buf, 0, length, at);
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
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

  /**
   * Whether `abs` (stat `st`) is still the file `r` recorded: imageIdentityVerdict, and when only
   * its change time moved, its sample. A record of an earlier vm-context (no change time, no
   * sample) is trusted as that version trusted it, by size, mtime and inode: distrusting it
   * would read every base image again once. Either way the record takes the change time (and
   * sample) seen now, so the next run checks nothing.
   */
  private async kept(abs: string, r: Sampled, st: FileIdentity): Promise<boolean> {
    const verdict = imageIdentityVerdict(r, st);
    if (verdict !== 'check') return verdict === 'unchanged';
    const legacy = r.ctimeMs === undefined && r.sample === undefined;
    if (!legacy && r.sample === undefined) return false;
    const sample = await sampleHash(abs, st.size);
    this.bytesSampled += Math.min(st.size, 2 * SAMPLE_EDGE + SAMPLE_BLOCKS * SAMPLE_BLOCK);
    if (!legacy && sample !== r.sample) return false;
    r.ctimeMs = st.ctimeMs;
    r.sample = sample;
    this.dirty = true;
    return true;
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
    const [sampleA, sampleB] = await Promise.all([sampleHash(src, a.size), sampleHash(dst, b.size)]);
    this.entries[dst] = { ...identityOf(b), sha256: known, sample: sampleB, copyOf: { path: src, ...identityOf(a), sample: sampleA } };
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
