// The pipelined floor under `vmctx build --only iso` for a Node process: isoFloor.cjs's work
// (list the folder, read every file with synchronous calls, write the bytes to one file) with
// each file starting at a 2 KiB sector as in an image (the gaps zeroed), and the copy pipelined
// as the embedded writer's (src/core/image/iso9660/stream.ts): a 1 MiB window is filled while
// the thread pool writes the previous one at its position (two windows: 2 MiB of buffers
// whatever the folder holds).
//
// Measured on this 2-core machine (2026-11-30, load 1.2 to 1.7, alternated rounds, medians):
// the copy alone, in one process with the listing done first (11 rounds), 46 ms wall and 68 ms
// CPU against 59 and 59 for the same copy with synchronous writes (when neighbours kept the
// second core busy, 77 against 67 ms wall: slower); the whole process (12 rounds), 278 ms wall
// and 327 ms CPU against isoFloor.cjs's 261 and 303: no faster. Variants that did worse than
// this one, in wall time and in CPU: reading part of each window on the thread pool (a round
// trip per file), three windows in flight, and a worker thread reading every other window into
// shared memory (its start-up and messages cost more than its reads spare).
// Usage: node isoFloorParallel.cjs FOLDER OUTPUT
'use strict';
const { closeSync, openSync, readdirSync, readSync, write } = require('node:fs');
const { join } = require('node:path');

const [folder, output] = process.argv.slice(2);
const SECTOR = 2048;
const WINDOW = 1 << 20;
const out = openSync(output, 'w');
const buffers = [new Uint8Array(WINDOW), new Uint8Array(WINDOW)];
let k = 0; // the buffer being filled
let used = 0; // its bytes so far
let position = 0; // where it goes in the output
let writing = Promise.resolve();
const writeAt = (buf, length, at) => new Promise((resolve, reject) => write(out, buf, 0, length, at, (e) => (e ? reject(e) : resolve())));
/** Hands the full window to the thread pool (once the previous write is done) and goes on in the other one. */
const flush = async () => {
  const buf = buffers[k];
  const length = used;
  await writing;
  writing = writeAt(buf, length, position);
  position += length;
  k ^= 1;
  used = 0;
};
const walk = async (dir) => {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, d.name);
    if (d.isDirectory()) await walk(abs);
    else if (d.isFile()) {
      const fd = openSync(abs, 'r');
      let size = 0;
      for (let n; (n = readSync(fd, buffers[k], used, WINDOW - used, null)) > 0; ) {
        used += n;
        size += n;
        if (used === WINDOW) await flush();
      }
      closeSync(fd);
      // The next file starts at a sector: zero the rest of this one's last sector.
      for (let pad = (SECTOR - (size % SECTOR)) % SECTOR; pad > 0; ) {
        const n = Math.min(pad, WINDOW - used);
        buffers[k].fill(0, used, used + n);
        used += n;
        pad -= n;
        if (used === WINDOW) await flush();
      }
    }
  }
};
walk(folder)
  .then(async () => {
    if (used) await flush();
    await writing;
    closeSync(out);
  })
  .catch((e) => {
    console.error(e.message);
    process.exitCode = 1;
  });
