// The image rule's second check (src/core/io/fileIdentityCheck.ts): when only an image's change
// time moved, a sample decides, and a check confirmed in this process is not read again while
// the identity (change time included) stays the one confirmed. A status read again and again
// (the explorer) gets its record from the build record each time, which only a build rewrites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync, openSync, writeSync, closeSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { identityOf } from '../../../src/core/common/fileIdentity';
import { SAMPLE_WHOLE, sampleHash, sampleHasher, stillRecorded, type Sampled } from '../../../src/core/io/fileIdentityCheck';
import { randomBytes } from 'node:crypto';
import { remove, tempDir } from '../helpers/tempProject';

test('a chmod is sampled once per process; bytes rewritten with the times set back are still seen', async () => {
  const dir = tempDir('vmctx-identity-');
  try {
    const image = path.join(dir, 'context.iso');
    writeFileSync(image, Buffer.alloc(20 << 20, 7));
    // A whole second, which utimes can set back exactly.
    const second = Math.floor(Date.now() / 1000) - 60;
    utimesSync(image, second, second);
    const st0 = statSync(image);
    const record: Sampled = { ...identityOf(st0), sample: await sampleHash(image, st0.size) };
    chmodSync(image, 0o600);
    const st1 = statSync(image);
    assert.notEqual(st1.ctimeMs, record.ctimeMs, 'chmod moved the change time');
    const reads: number[] = [];
    for (let i = 0; i < 3; i++) {
      // Each status read starts again from the record on disk.
      assert.equal(await stillRecorded(image, { ...record }, identityOf(st1), (n) => reads.push(n)), true);
    }
    assert.equal(reads.length, 1, 'sampled once, then confirmed from memory');
    // The first MiB's bytes rewritten, the times set back: the change time moved again, so it is sampled and found changed.
    const fd = openSync(image, 'r+');
    writeSync(fd, Buffer.from('changed'), 0, 7, 100);
    closeSync(fd);
    utimesSync(image, second, second);
    const st2 = statSync(image);
    assert.equal(st2.mtimeMs, st1.mtimeMs);
    assert.equal(await stillRecorded(image, { ...record }, identityOf(st2), (n) => reads.push(n)), false);
    assert.equal(reads.length, 2);
  } finally {
    remove(dir);
  }
});

test('sampleHasher, fed a file as it is written in chunks of any size, gives sampleHash of the file; fewer or more bytes give none', async () => {
  const dir = tempDir('vmctx-sampler-');
  try {
    // Whole-file samples (up to 8 MiB) and sampled ones, at and around the boundaries.
    const sizes = [0, 1, 2048, SAMPLE_WHOLE - 1, SAMPLE_WHOLE, SAMPLE_WHOLE + 1, SAMPLE_WHOLE + (3 << 20) + 12345, 40 << 20];
    for (const size of sizes) {
      const bytes = randomBytes(size);
      const file = path.join(dir, `f${size}`);
      writeFileSync(file, bytes);
      const expected = await sampleHash(file, size);
      // One chunk; 1 MiB windows as the ISO writer sends them; odd sizes that cut every range.
      for (const cut of [size || 1, 1 << 20, 65537, 7 << 10]) {
        const h = sampleHasher(size);
        for (let at = 0; at < size; at += cut) h.update(bytes.subarray(at, Math.min(size, at + cut)));
        assert.equal(h.digest(), expected, `size ${size}, chunks of ${cut}`);
      }
    }
    const short = sampleHasher(SAMPLE_WHOLE + 10);
    short.update(new Uint8Array(SAMPLE_WHOLE));
    assert.equal(short.digest(), undefined, 'fewer bytes than the size');
    const long = sampleHasher(10);
    long.update(new Uint8Array(11));
    assert.equal(long.digest(), undefined, 'more bytes than the size');
  } finally {
    remove(dir);
  }
});
