// The pipelined floor under `vmctx build --only iso` for a Node process: list a folder (lstat of
// every entry, for the sizes: each file's place must be known before a byte is written), place
// every file at a 2 KiB sector as an image does, then fill 1 MiB windows with synchronous reads
// on the main thread while the thread pool writes the previous window at its position (two
// windows: 2 MiB of buffers whatever the folder holds; the gaps between files zeroed). The
// embedded ISO writer (src/core/image/iso9660/stream.ts) copies the same way.
//
// Beside isoFloor.cjs (the same bytes read and written sequentially, fewer system calls): with a
// core free for the writes, this one takes less wall time and more CPU. Measured variants that
// did worse on this 2-core machine, in wall time and in CPU: reading part of each window on the
// thread pool (a round trip per file), three windows in flight, and a worker thread
// reading every other window into shared memory (its start-up and messages cost more than its
// reads spare). Usage: node isoFloorParallel.cjs FOLDER OUTPUT
'use strict';
const { closeSync, lstatSync, openSync, readdirSync, readSync, write } = require('node:fs');
const { join } = require('node:path');

const [folder, output] = process.argv.slice(2);
const SECTOR = 2048;
const WINDOW = 1 << 20;
const files = [];
let end = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const st = lstatSync(abs);
    if (st.isDirectory()) walk(abs);
    else if (st.isFile() && st.size) {
      files.push({ abs, size: st.size, at: end });
      end += Math.ceil(st.size / SECTOR) * SECTOR;
    }
  }
};
walk(folder);

const out = openSync(output, 'w');
const buffers = [new Uint8Array(WINDOW), new Uint8Array(WINDOW)];
let next = 0; // the file being copied
let done = 0; // bytes of it already copied
let fd;
/** Fills `buf` with the window starting at `start`; returns its length. */
const fill = (buf, start) => {
  const length = Math.min(WINDOW, end - start);
  buf.fill(0, 0, length);
  while (next < files.length && files[next].at + done < start + length) {
    const f = files[next];
    fd ??= openSync(f.abs, 'r');
    const want = Math.min(f.size - done, start + length - (f.at + done));
    for (let got = 0, n; got < want; got += n) {
      n = readSync(fd, buf, f.at + done + got - start, want - got, done + got);
      if (n === 0) throw new Error(`${f.abs} became shorter`);
    }
    done += want;
    if (done < f.size) break;
    closeSync(fd);
    fd = undefined;
    next++;
    done = 0;
  }
  return length;
};
const writeAt = (buf, length, position) =>
  new Promise((resolve, reject) => write(out, buf, 0, length, position, (e) => (e ? reject(e) : resolve())));

(async () => {
  let writing = Promise.resolve();
  for (let start = 0, k = 0; start < end; k ^= 1) {
    const length = fill(buffers[k], start);
    await writing;
    writing = writeAt(buffers[k], length, start);
    start += length;
  }
  await writing;
  closeSync(out);
})().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
