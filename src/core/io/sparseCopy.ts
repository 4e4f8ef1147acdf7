// Copies a disk image keeping its holes: a blank 64 MiB base stays a few KiB on disk, a 2 TB
// sparse base copies in milliseconds. Node has no SEEK_DATA/SEEK_HOLE, so the copy is GNU
// `cp --sparse=always` (coreutils, on every Linux libvirt host): it walks the data extents
// with SEEK_DATA/SEEK_HOLE and also leaves runs of zeros in data blocks as holes. Where cp is
// not GNU's (no --sparse), a copy in process writes only the blocks that are not all zeros;
// it reads the holes, so it is slower, but the result is as sparse.
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { CancelledError, UserError, throwIfAborted } from '../common/errors';
import { tempSibling } from './atomicFile';

const BLOCK = 1 << 20;
/** The file system's block size here and on every usual Linux file system. */
const PAGE = 4096;

/**
 * `to` becomes a copy of `from` with its holes (through a temporary sibling and a rename). The
 * temporary carries this process's id: one a killed deploy leaves is removed by the next
 * (removeStaleTemporaries), one of a deploy running now is not.
 */
export async function copySparse(from: string, to: string, signal?: AbortSignal): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  const tmp = tempSibling(to);
  try {
    if (!(await copyWithCp(from, tmp, signal))) await copySkippingZeros(from, tmp, signal);
    await chmod(tmp, 0o644);
    await rename(tmp, to);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** False when this cp has no --sparse (not GNU coreutils). */
async function copyWithCp(from: string, to: string, signal?: AbortSignal): Promise<boolean> {
  // execa is ESM-only; a dynamic import keeps this CommonJS module loadable (esbuild bundles it).
  const { execa } = await import('execa');
  const r = await execa('cp', ['--sparse=always', '--', from, to], { reject: false, stdin: 'ignore', cancelSignal: signal, forceKillAfterDelay: 2000, encoding: 'utf8', env: { LC_ALL: 'C' } });
  if (r.isCanceled) throw new CancelledError();
  if ((r as { code?: string }).code === 'ENOENT') return false;
  if (r.exitCode === 0) return true;
  const stderr = String(r.stderr ?? '');
  if (/unrecognized option|illegal option|invalid option|usage:/i.test(stderr)) return false;
  throw new UserError(`copying ${from} to ${to} failed: ${stderr.trim() || `cp exit status ${r.exitCode}`}`);
}

/** Writes each non-zero 4 KiB page at its offset and sets the size: zero pages stay holes. */
export async function copySkippingZeros(from: string, to: string, signal?: AbortSignal): Promise<void> {
  const src = await open(from, 'r');
  const dst = await open(to, 'w', 0o644);
  try {
    const buf = Buffer.alloc(BLOCK);
    const zero = Buffer.alloc(PAGE);
    let at = 0;
    for (;;) {
      throwIfAborted(signal);
      const { bytesRead } = await src.read(buf, 0, BLOCK, at);
      if (bytesRead === 0) break;
      // Runs of pages that are not all zeros are written; zero pages stay holes.
      for (let page = 0; page < bytesRead; ) {
        const end = Math.min(page + PAGE, bytesRead);
        if (buf.subarray(page, end).equals(zero.subarray(0, end - page))) {
          page = end;
          continue;
        }
        let runEnd = end;
        while (runEnd < bytesRead) {
          const next = Math.min(runEnd + PAGE, bytesRead);
          if (buf.subarray(runEnd, next).equals(zero.subarray(0, next - runEnd))) break;
          runEnd = next;
        }
        for (let done = page; done < runEnd; ) done += (await dst.write(buf, done, runEnd - done, at + done)).bytesWritten;
        page = runEnd;
      }
      at += bytesRead;
    }
    await dst.truncate(at);
  } finally {
    await src.close();
    await dst.close();
  }
}
