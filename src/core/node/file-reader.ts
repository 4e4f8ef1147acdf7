// The ISO writer's file reader over node:fs, using the callback API (cheaper per call than
// FileHandle) and O_NOFOLLOW so a file swapped for a symlink is never followed.
import { close, constants, open, read } from 'node:fs';
import { UserError } from '../common/errors';
import type { FileReader, OpenFile } from '../image/iso9660/stream';

function openFile(path: string): Promise<OpenFile> {
  return new Promise((resolve, reject) => {
    open(path, constants.O_RDONLY | constants.O_NOFOLLOW, (err, fd) => {
      if (err) {
        const what = err.code === 'ENOENT' ? 'disappeared while the image was being written' : err.code === 'ELOOP' ? 'became a symbolic link while the image was being written' : `cannot be read (${err.code ?? err.message})`;
        reject(new UserError(`${path} ${what}; build again`));
        return;
      }
      resolve({
        read: (into, offset, length, position) =>
          new Promise((res, rej) => read(fd, into, offset, length, position, (e, n) => (e ? rej(e) : res(n)))),
        close: () => new Promise((res, rej) => close(fd, (e) => (e ? rej(e) : res()))),
      });
    });
  });
}

export const nodeFileReader: FileReader = { open: openFile };
