import { closeSync, lstatSync, openSync, promises as fsp, readFileSync, readlinkSync, readSync, readdirSync, statSync, type Stats } from 'node:fs';
import type { DirEntry, FileStat, FileSystem, FileType, LinkEnd, SyncFileReader } from '../common/fileSystem';
import { specialFileKind } from '../image/iso9660/contextEntries';
import { readRegularFileSync } from './regularFile';

function typeOf(s: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  return 'other';
}

function statOf(s: Stats): FileStat {
  const type = typeOf(s);
  return { type, size: s.size, mtimeMs: s.mtimeMs, mode: s.mode & 0o7777, ...(type === 'other' ? { special: specialFileKind(s) } : {}) };
}

/** What `path` is with its links followed, or why it leads nowhere; throws on other errors (EACCES). */
export function linkEndSync(path: string): LinkEnd {
  try {
    return statOf(statSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'loop';
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw e;
  }
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
      return s && statOf(s);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  },
  async resolveLink(path) {
    return linkEndSync(path);
  },
  async readLink(path) {
    return readlinkSync(path);
  },
};

/**
 * nodeFileSystem for the extension host: folders are listed without blocking it (a project walk
 * lists up to 20,000 entries, and a network drive answers slowly). The CLI keeps the synchronous
 * listing, which spares it node:fs/promises at start-up.
 */
export const editorFileSystem: FileSystem = {
  ...nodeFileSystem,
  async readDirectory(path): Promise<DirEntry[]> {
    const entries = await fsp.readdir(path, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, type: typeOf(e) }));
  },
};

export const nodeSyncFileReader: SyncFileReader = {
  readText: (path) => readRegularFileSync(path).bytes.toString('utf8'),
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
