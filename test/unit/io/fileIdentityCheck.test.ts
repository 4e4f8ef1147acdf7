// The image rule's second check (src/core/io/fileIdentityCheck.ts): when only an image's change
// time moved, a sample decides, and a check confirmed in this process is not read again while
// the identity (change time included) stays the one confirmed. A status read again and again
// (the explorer) gets its record from the build record each time, which only a build rewrites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync, openSync, writeSync, closeSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { identityOf } from '../../../src/core/common/fileIdentity';
import { sampleHash, stillRecorded, type Sampled } from '../../../src/core/io/fileIdentityCheck';
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
