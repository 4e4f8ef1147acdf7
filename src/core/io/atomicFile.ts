// Writes a file through a temporary sibling and renames it into place, so readers never see
// half a file and a failed or cancelled write leaves the previous version intact.
import { close, open, link, lstat, readdir, rename, renameSync, rm, unlink, unlinkSync, write, writeFileSync, writeSync, constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';

const openP = promisify(open);
const closeP = promisify(close);
const renameP = promisify(rename);
const linkP = promisify(link);
const unlinkP = promisify(unlink);
// Callback forms for what every build runs (removeStaleTemporaries): node:fs/promises takes
// milliseconds to load.
const readdirP = promisify(readdir);
const lstatP = promisify(lstat);
const rmP = promisify(rm);

const writeP = promisify(write);
/**
 * From this size on, a chunk is written on the thread pool: the kernel's copy of a few MiB
 * then runs beside the caller, which fills its next chunk meanwhile (the ISO writer reads the
 * next files). Smaller writes stay synchronous, as a thread-pool round trip would cost more
 * than they do (see isoFileReader.ts).
 */
const ASYNC_WRITE_BYTES = 256 << 10;

async function writeAll(fd: number, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.length; ) {
    const length = chunk.length - at;
    at += length >= ASYNC_WRITE_BYTES ? (await writeP(fd, chunk, at, length, null)).bytesWritten : writeSync(fd, chunk, at, length);
  }
}

export interface AtomicFile {
  readonly tempPath: string;
  /** Writes `chunk` at the end; the chunk must stay unchanged until the promise resolves. */
  write(chunk: Uint8Array): Promise<void>;
  /** Closes and renames over the target; `exclusive`: fails with EEXIST instead of replacing one. */
  commit(exclusive?: boolean): Promise<void>;
  /** Closes and removes the temporary file; safe to call after commit or twice. */
  abort(): Promise<void>;
}

/** The one temporary name: a hidden sibling, `.context.iso.tmp-1234-ab12cd`, on the same file system. */
export function tempSibling(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
}

const TEMP_NAME = /^\..+\.tmp-(\d+)-[0-9a-f]{6}$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * A private temporary folder `$TMPDIR/PREFIX-PID-xxxxxx` (the file a virsh command reads or
 * writes): with this process's id in its name, one a killed deploy leaves behind is removed by
 * the next (removeStaleTemporaries(tmpdir(), …, 'folders')), one of a deploy running now is not.
 */
export function makeTempFolder(prefix: 'vmctx-define' | 'vmctx-vol'): Promise<string> {
  return fsp.mkdtemp(join(tmpdir(), `${prefix}-${process.pid}-`));
}

/** makeTempFolder's names: mkdtemp adds 6 letters or digits. */
const TEMP_FOLDER_NAME = /^vmctx-(?:define|vol)-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Removes the temporaries in `dir` whose writer is gone (killed, or the machine went down):
 * an interrupted build must not leave a 285 MB `.context.iso.tmp-…` behind for good, nor a
 * killed deploy its `/tmp/vmctx-define-…` folders. Those of live processes (a build running
 * now) stay. `kind`: the temporary siblings of atomic writes (files), or makeTempFolder's
 * folders (only this user's). Returns the paths removed.
 */
export async function removeStaleTemporaries(dir: string, alive: (pid: number) => boolean = processAlive, kind: 'files' | 'folders' = 'files'): Promise<string[]> {
  const names = await readdirP(dir).catch(() => [] as string[]);
  const pattern = kind === 'files' ? TEMP_NAME : TEMP_FOLDER_NAME;
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const file = join(dir, name);
    const st = await lstatP(file).catch(() => undefined);
    if (!st) continue;
    let gone: Promise<void>;
    if (kind === 'files') {
      if (!st.isFile()) continue;
      gone = unlinkP(file);
    } else {
      // The shared /tmp holds other users' folders too: never ours to remove.
      if (!st.isDirectory() || (process.getuid && st.uid !== process.getuid())) continue;
      gone = rmP(file, { recursive: true, force: true });
    }
    if (await gone.then(() => true, () => false)) removed.push(file);
  }
  return removed;
}

export async function createAtomicFile(target: string, mode = 0o644): Promise<AtomicFile> {
  const tempPath = tempSibling(target);
  const fd = await openP(tempPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  let state: 'open' | 'closed' | 'done' = 'open';
  // write(2) errors carry no path: name the file, so ENOSPC says which one.
  const named = (e: unknown) => {
    if (e instanceof Error && !(e as NodeJS.ErrnoException).path) Object.assign(e, { path: tempPath });
    return e;
  };
  const closeOnce = async () => {
    if (state === 'open') {
      state = 'closed';
      await closeP(fd);
    }
  };
  return {
    tempPath,
    async write(chunk) {
      try {
        await writeAll(fd, chunk);
      } catch (e) {
        throw named(e);
      }
    },
    async commit(exclusive = false) {
      await closeOnce().catch((e) => Promise.reject(named(e)));
      if (exclusive) {
        // link(2) never replaces: the whole file appears under its name, or nothing does.
        await linkP(tempPath, target);
        state = 'done';
        await unlinkP(tempPath).catch(() => undefined);
        return;
      }
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

/** Writes `content` to `target` through a temporary sibling; `exclusive`: never over an existing file (EEXIST). */
export async function writeFileAtomically(target: string, content: string | Uint8Array, options: { mode?: number; exclusive?: boolean } = {}): Promise<void> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const file = await createAtomicFile(target, options.mode);
  try {
    await file.write(bytes);
    await file.commit(options.exclusive);
  } catch (e) {
    await file.abort();
    throw e;
  }
}

/** The synchronous form of writeFileAtomically, for small files written from synchronous code
 *  (the compiled-schema cache): the temporary is removed if anything fails. */
export function writeFileAtomicallySync(target: string, content: string | Uint8Array): void {
  const tempPath = tempSibling(target);
  try {
    writeFileSync(tempPath, content, { flag: 'wx' });
    renameSync(tempPath, target);
  } catch (e) {
    try {
      unlinkSync(tempPath);
    } catch {
      // never created, or already renamed
    }
    throw e;
  }
}
