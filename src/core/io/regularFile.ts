// Reading files past two traps of a plain open and read: opening a named pipe waits for a
// writer (no signal ends that wait), and a read may return fewer bytes than asked before the end.
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, type Stats } from 'node:fs';
import { specialFileKind } from '../image/iso9660/contextEntries';

/** open() flags for reading what may be a named pipe: it opens at once (Windows has neither the flag nor pipes that block so). */
export const READ_NONBLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Reads `length` bytes at `position` into `into` at `offset`, through short reads; fewer only at the end of the file. */
export function readFullySync(fd: number, into: Uint8Array, length: number, position: number, offset = 0): number {
  let done = 0;
  for (let n; done < length && (n = readSync(fd, into, offset + done, length - done, position + done)) > 0; ) done += n;
  return done;
}

/**
 * A file's bytes and the Stats of what was read, through one descriptor opened without blocking:
 * a named pipe, socket or device is refused with what it is ("it is a named pipe, not a file"),
 * where a plain read would wait for a pipe's writer for good; a folder fails as its read does.
 */
export function readRegularFileSync(file: string): { bytes: Buffer; st: Stats } {
  const fd = openSync(file, READ_NONBLOCKING);
  try {
    const st = fstatSync(fd);
    const special = specialKind(st);
    if (special) throw new Error(special);
    return { bytes: readFileSync(fd), st };
  } finally {
    closeSync(fd);
  }
}

/** "it is a named pipe, not a file" for what is neither a regular file nor a directory. */
export function specialKind(st: Stats): string | undefined {
  return !st.isFile() && !st.isDirectory() ? `it is ${specialFileKind(st)}, not a file` : undefined;
}
