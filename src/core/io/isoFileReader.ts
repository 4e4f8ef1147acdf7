// The ISO writer's file reader over node:fs. It makes synchronous system calls: on cached
// files they cost a few microseconds where each thread-pool round trip costs tens, which
// is most of the build time for thousands of small files. The writer yields to the event
// loop between windows of a few MiB, so callers stay responsive and can cancel.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { UserError } from '../common/errors';
import type { FileReader, OpenFile, SyncOpenFile } from '../image/iso9660/stream';

/** An open context file: one object per file (a build opens thousands), its methods shared. */
class SyncFile implements SyncOpenFile {
  constructor(private readonly fd: number) {}
  read(into: Uint8Array, offset: number, length: number, position: number): number {
    return readSync(this.fd, into, offset, length, position);
  }
  close(): void {
    closeSync(this.fd);
  }
}

function openFileSync(path: string): SyncOpenFile {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT' ? 'disappeared while the image was being written'
      : code === 'ELOOP' ? 'became a symbolic link while the image was being written'
      : `cannot be read (${code ?? (e as Error).message})`;
    throw new UserError(`${path} ${what}; build again`);
  }
  return new SyncFile(fd);
}

export const nodeFileReader: FileReader = {
  open: async (path): Promise<OpenFile> => {
    const f = openFileSync(path);
    return { read: async (into, offset, length, position) => f.read(into, offset, length, position), close: async () => f.close() };
  },
  openSync: openFileSync,
};
