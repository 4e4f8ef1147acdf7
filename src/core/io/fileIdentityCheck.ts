// The second check of common/fileIdentity's image rule: when only an image's change time moved
// (libvirt chowns an image as a VM starts), a sample of its bytes decides whether the record
// still holds, so a 2 TB base image is not read again for a chown.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { imageIdentityVerdict, type FileIdentity } from '../common/fileIdentity';
import { sha256File } from './fileHash';

/** A file as recorded, with the hash of its sample (sampleHash). */
export type Sampled = FileIdentity & { sample?: string };

/** Files up to this size are sampled whole: their sample is their sha256. */
export const SAMPLE_WHOLE = 8 << 20;
const SAMPLE_EDGE = 1 << 20;
const SAMPLE_BLOCK = 64 << 10;
const SAMPLE_BLOCKS = 62;

/** The byte ranges [offset, length] a sample of a file of `size` bytes (over SAMPLE_WHOLE) hashes, in ascending order. */
function sampleRanges(size: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [[0, SAMPLE_EDGE]];
  const span = size - 2 * SAMPLE_EDGE - SAMPLE_BLOCK;
  for (let i = 0; i < SAMPLE_BLOCKS; i++) ranges.push([SAMPLE_EDGE + Math.floor((span * i) / (SAMPLE_BLOCKS - 1)), SAMPLE_BLOCK]);
  ranges.push([size - SAMPLE_EDGE, SAMPLE_EDGE]);
  return ranges;
}

/**
 * The hash of a sample of a file's bytes, read in a few milliseconds whatever its size: the
 * whole file up to 8 MiB; beyond, its first and last MiB (an image's headers and tables, and
 * what grows at its end) and 62 blocks of 64 KiB spread evenly between. A rewrite that changes
 * only bytes between the blocks and sets the mtime back is not seen (the price of not reading
 * a 2 TB base image each time a VM starts).
 */
export async function sampleHash(file: string, size: number): Promise<string> {
  if (size <= SAMPLE_WHOLE) return sha256File(file);
  const hash = createHash('sha256').update(`${size}\n`);
  // Synchronous reads through one 64 KiB buffer (as fileHash.ts: no fs/promises, few page
  // faults), with a turn of the event loop after each range.
  const buf = Buffer.allocUnsafe(SAMPLE_BLOCK);
  const fd = openSync(file, 'r');
  try {
    for (const [at, length] of sampleRanges(size)) {
      for (let done = 0, n; done < length && (n = readSync(fd, buf, 0, Math.min(buf.length, length - done), at + done)) > 0; done += n) hash.update(buf.subarray(0, n));
      await yieldToEventLoop();
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** sampleHash of a file being written, from its bytes as they go out: no read back. */
export interface SampleHasher {
  /** The next bytes of the file, in order from its start (each chunk right after the previous one). */
  update(chunk: Uint8Array): void;
  /** sampleHash of the `size` bytes given; undefined when fewer or more were given. */
  digest(): string | undefined;
}

/** A SampleHasher for a file of `size` bytes (known before its first byte is written). */
export function sampleHasher(size: number): SampleHasher {
  const hash = size <= SAMPLE_WHOLE ? createHash('sha256') : createHash('sha256').update(`${size}\n`);
  const ranges: Array<[number, number]> = size <= SAMPLE_WHOLE ? [[0, size]] : sampleRanges(size);
  let at = 0;
  let next = 0;
  return {
    update(chunk) {
      const end = at + chunk.length;
      // The ranges are disjoint and ascending: each one met takes its part of this chunk, in order.
      for (let i = next; i < ranges.length && ranges[i][0] < end; i++) {
        const [from, length] = ranges[i];
        const lo = Math.max(from, at);
        const hi = Math.min(from + length, end);
        if (hi > lo) hash.update(chunk.subarray(lo - at, hi - at));
        if (from + length <= end) next = i + 1;
        else break;
      }
      at = end;
    },
    digest: () => (at === size ? hash.digest('hex') : undefined),
  };
}

/**
 * Whether the image `file` (stat `st`) is still the one `r` recorded: imageIdentityVerdict,
 * and when only its change time moved, its sample. A record of an earlier vm-context (no
 * change time, no sample) is trusted as that version trusted it, by size, mtime and inode:
 * distrusting it would read every base image again once. A record that holds takes the change
 * time and sample seen now (`onSample` is told the bytes read), so the next run checks nothing.
 */
export async function stillRecorded(file: string, r: Sampled, st: FileIdentity, onSample?: (bytes: number) => void): Promise<boolean> {
  const verdict = imageIdentityVerdict(r, st);
  if (verdict !== 'check') return verdict === 'unchanged';
  const legacy = r.ctimeMs === undefined && r.sample === undefined;
  if (!legacy && r.sample === undefined) return false;
  // Confirmed earlier in this process with the identity seen now, change time included: nothing
  // has touched the file since (a status read again and again, whose record is written only by
  // the next build, samples once).
  const seen = `${file}\0${r.sample ?? ''}\0${st.size}\0${st.mtimeMs}\0${st.ino}\0${st.ctimeMs}`;
  if (confirmed.has(seen)) {
    r.ctimeMs = st.ctimeMs;
    r.sample = confirmed.get(seen);
    return true;
  }
  const sample = await sampleHash(file, st.size);
  onSample?.(Math.min(st.size, 2 * SAMPLE_EDGE + SAMPLE_BLOCKS * SAMPLE_BLOCK));
  if (!legacy && sample !== r.sample) return false;
  r.ctimeMs = st.ctimeMs;
  r.sample = sample;
  confirmed.set(seen, sample);
  return true;
}

/** stillRecorded's confirmations in this process: record's sample and identity seen → the sample. */
const confirmed = new Map<string, string>();
