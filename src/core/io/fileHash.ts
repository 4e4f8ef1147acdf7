// SHA-256 of a file's bytes: the build's input hashes and deploy's copies use it. Synchronous
// reads (see isoFileReader.ts for why: thousands of small context files), with a yield to the
// event loop between 4 MiB windows so hashing a large image does not freeze the caller.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

const WINDOW = 4 << 20;
/** Read buffers of finished calls: a fresh 1 MiB per file made thousands of small files a garbage-collection load. */
const spare: Buffer[] = [];

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const buf = spare.pop() ?? Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    let sinceYield = 0;
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      hash.update(buf.subarray(0, n));
      sinceYield += n;
      if (sinceYield >= WINDOW) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
  } finally {
    closeSync(fd);
    spare.push(buf);
  }
  return hash.digest('hex');
}
