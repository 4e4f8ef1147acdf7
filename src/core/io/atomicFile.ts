// Writes a file through a temporary sibling and renames it into place, so readers never see
// half a file and a failed or cancelled write leaves the previous version intact.
import { close, open, rename, unlink, writeSync, constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const openP = promisify(open);
const closeP = promisify(close);
const renameP = promisify(rename);
const unlinkP = promisify(unlink);

// Synchronous writes: see isoFileReader.ts for why; chunks are a few MiB at most.
function writeAll(fd: number, chunk: Uint8Array): void {
  for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at);
}

export interface AtomicFile {
  readonly tempPath: string;
  write(chunk: Uint8Array): Promise<void>;
  /** Closes and renames over the target. */
  commit(): Promise<void>;
  /** Closes and removes the temporary file; safe to call after commit or twice. */
  abort(): Promise<void>;
}

/** The one temporary name: a hidden sibling, `.context.iso.tmp-1234-ab12cd`, on the same file system. */
export function tempSibling(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
}

export async function createAtomicFile(target: string, mode = 0o644): Promise<AtomicFile> {
  const tempPath = tempSibling(target);
  const fd = await openP(tempPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  let state: 'open' | 'closed' | 'done' = 'open';
  const closeOnce = async () => {
    if (state === 'open') {
      state = 'closed';
      await closeP(fd);
    }
  };
  return {
    tempPath,
    write: async (chunk) => writeAll(fd, chunk),
    async commit() {
      await closeOnce();
      await renameP(tempPath, target);
      state = 'done';
    },
    async abort() {
      if (state === 'done') return;
      await closeOnce().catch(() => undefined);
      state = 'done';
      await unlinkP(tempPath).catch(() => undefined);
    },
  };
}

/** Runs `fill` against a temporary file, then renames it to `target`; removes it on any failure. */
export async function writeAtomically(target: string, fill: (file: AtomicFile) => Promise<void>, mode?: number): Promise<void> {
  const file = await createAtomicFile(target, mode);
  try {
    await fill(file);
    await file.commit();
  } catch (e) {
    await file.abort();
    throw e;
  }
}
