// Reading files past two traps of a plain open and read: opening a named pipe waits for a
// writer (no signal ends that wait), and a read may return fewer bytes than asked before the end.
import { constants, readSync } from 'node:fs';

/** open() flags for reading what may be a named pipe: it opens at once (Windows has neither the flag nor pipes that block so). */
export const READ_NONBLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Reads `length` bytes at `position` into `into` at `offset`, through short reads; fewer only at the end of the file. */
export function readFullySync(fd: number, into: Uint8Array, length: number, position: number, offset = 0): number {
  let done = 0;
  for (let n; done < length && (n = readSync(fd, into, offset + done, length - done, position + done)) > 0; ) done += n;
  return done;
}
