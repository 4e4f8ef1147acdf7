import { closeSync, lstatSync, openSync, promises as fsp, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import type { DirEntry, FileStat, FileSystem, FileType, SyncFileReader } from '../common/fileSystem';

function typeOf(s: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  return 'other';
}

/** Up to `length` bytes from `position` (fewer at the end of the file): a header, a table. */
export async function readBytes(path: string, length: number, position: number): Promise<Uint8Array> {
  const fh = await fsp.open(path, 'r');
  try {
    const buf = new Uint8Array(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** What a folder named by the user is, following symbolic links (a linked project folder is a folder). */
export async function folderKind(path: string): Promise<'folder' | 'not-folder' | 'missing'> {
  let s;
  try {
    s = statSync(path, { throwIfNoEntry: false });
  } catch {
    // ENOTDIR, EACCES on the way, a loop: as missing, like the failed stat it replaces.
  }
  return !s ? 'missing' : s.isDirectory() ? 'folder' : 'not-folder';
}

export const nodeFileSystem: FileSystem = {
  // Synchronous: the project loader makes thousands of these calls for a fleet, on small files
  // (templates, the manifest; templates over 8 MB are not read), each a few microseconds where a
  // promise-based file handle costs far more than the call itself. Folders too (the walk stops
  // at 20,000 entries): `vmctx check` then never loads node:fs/promises (2-3 ms at start-up).
  async readFile(path) {
    return readFileSync(path);
  },
  async readHead(path, length) {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(length);
      return buf.subarray(0, readSync(fd, buf, 0, length, 0));
    } finally {
      closeSync(fd);
    }
  },
  async readDirectory(path): Promise<DirEntry[]> {
    const entries = readdirSync(path, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, type: typeOf(e) }));
  },
  async stat(path): Promise<FileStat | undefined> {
    try {
      const s = lstatSync(path, { throwIfNoEntry: false });
      return s && { type: typeOf(s), size: s.size, mtimeMs: s.mtimeMs, mode: s.mode & 0o7777 };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  },
};

export const nodeSyncFileReader: SyncFileReader = {
  readText: (path) => readFileSync(path, 'utf8'),
  mtimeMs: (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs,
};

/**
 * `nodeSyncFileReader` for one command run (`vmctx check`): each path's mtime is read once. The
 * domain schemas ask for it twice per template to notice a schema edited under a long-lived
 * extension; a fleet's check made thousands of stat calls for the same two files.
 */
export function oneRunFileReader(): SyncFileReader {
  const mtimes = new Map<string, number | undefined>();
  return {
    readText: nodeSyncFileReader.readText,
    mtimeMs: (path) => {
      if (!mtimes.has(path)) mtimes.set(path, nodeSyncFileReader.mtimeMs(path));
      return mtimes.get(path);
    },
  };
}
