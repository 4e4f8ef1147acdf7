import { closeSync, lstatSync, openSync, promises as fsp, readFileSync, readSync } from 'node:fs';
import type { DirEntry, FileStat, FileSystem, FileType } from '../common/fileSystem';

function typeOf(s: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }): FileType {
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  return 'other';
}

export const nodeFileSystem: FileSystem = {
  // Synchronous: the project loader makes thousands of these calls for a fleet, on small files
  // (templates, the manifest; templates over 8 MB are not read), each a few microseconds where a
  // promise-based file handle costs far more than the call itself.
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
    const entries = await fsp.readdir(path, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, type: typeOf(e) }));
  },
  async stat(path): Promise<FileStat | undefined> {
    try {
      const s = lstatSync(path, { throwIfNoEntry: false });
      return s && { type: typeOf(s), size: s.size, mtimeMs: s.mtimeMs };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  },
};
