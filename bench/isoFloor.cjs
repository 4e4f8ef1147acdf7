// The floor under `vmctx build --only iso` for a Node process: list a folder, read every file
// and append its bytes to one output file, nothing else (no image layout, no check, no record).
// Synchronous calls into one reused 4 MiB buffer, written when full: the least work (system
// calls, CPU) a Node implementation of the ISO build can do. isoFloorParallel.cjs does the same
// copy pipelined as the embedded writer does it (the next window read while the thread pool
// writes the last): less wall time for the copy alone when a core is free, none gained for the
// whole process on this 2-core machine (see its header). Usage: node isoFloor.cjs FOLDER OUTPUT
'use strict';
const { closeSync, openSync, readdirSync, readSync, writeSync } = require('node:fs');
const { join } = require('node:path');

const [folder, output] = process.argv.slice(2);
const out = openSync(output, 'w');
const buf = Buffer.allocUnsafe(4 << 20);
let used = 0;
const flush = () => {
  for (let at = 0; at < used; ) at += writeSync(out, buf, at, used - at);
  used = 0;
};
const walk = (dir) => {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, d.name);
    if (d.isDirectory()) walk(abs);
    else if (d.isFile()) {
      const fd = openSync(abs, 'r');
      for (let n; (n = readSync(fd, buf, used, buf.length - used, null)) > 0; ) if ((used += n) === buf.length) flush();
      closeSync(fd);
    }
  }
};
walk(folder);
flush();
closeSync(out);
