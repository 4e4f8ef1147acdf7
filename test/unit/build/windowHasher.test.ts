// The hashes of the ISO's files are computed from the writer's windows: on this thread until
// the worker has started, on the worker after, a file always where its first piece went. Each
// must equal the file's own SHA-256 whichever thread made it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WORKER_MIN_BYTES, startWindowHasher, type WindowHasher } from '../../../src/core/io/windowHasher';
import type { WindowPiece } from '../../../src/core/image/iso9660/stream';
import type { FileExtent } from '../../../src/core/image/iso9660/layout';

const WINDOW = 1000;
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) % 256);
const files: Record<string, Uint8Array> = { a: bytes(2500, 1), b: bytes(300, 2), c: bytes(700, 3), skipped: bytes(100, 4) };
const extent = (source: string): FileExtent => ({ source, path: source, size: files[source].length, sector: 0 });

/** Copies each piece's bytes into a window of `hasher`'s memory and hands the window over. */
async function feed(hasher: WindowHasher, pieces: Array<{ source: string; from: number; length: number }>): Promise<void> {
  const window = hasher.allocate(WINDOW);
  const out: WindowPiece[] = [];
  let at = 0;
  for (const p of pieces) {
    window.set(files[p.source].subarray(p.from, p.from + p.length), at);
    out.push({ file: extent(p.source), at, length: p.length, last: p.from + p.length === files[p.source].length });
    at += p.length + 3; // gaps between pieces, as sector padding leaves
  }
  await hasher.onWindow(window, out);
  window.fill(0xee); // reused by the writer: a hash must not read it after the promise
}

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

test('the files of the first windows are hashed here, the later ones on the worker; every hash is the file\'s', async () => {
  const hasher = startWindowHasher(new Set(['a', 'b', 'c']), WORKER_MIN_BYTES);
  try {
    // Before the worker is up: a (first piece) and b start here.
    await feed(hasher, [{ source: 'a', from: 0, length: 900 }]);
    await feed(hasher, [{ source: 'a', from: 900, length: 50 }, { source: 'b', from: 0, length: 300 }]);
    assert.equal(await hasher.started(), true, 'the worker started');
    // After: a stays here to its end; c and skipped are new (skipped is not wanted).
    await feed(hasher, [{ source: 'a', from: 950, length: 990 }]);
    await feed(hasher, [{ source: 'a', from: 1940, length: 560 }, { source: 'c', from: 0, length: 400 }]);
    await feed(hasher, [{ source: 'c', from: 400, length: 300 }, { source: 'skipped', from: 0, length: 100 }]);
    const digests = await hasher.digests();
    assert.deepEqual([...digests.keys()].sort(), ['a', 'b', 'c']);
    for (const f of ['a', 'b', 'c']) assert.equal(digests.get(f), sha(files[f]), f);
  } finally {
    hasher.close();
  }
});

test('a file begun on the worker is finished there, over several windows', async () => {
  const hasher = startWindowHasher(new Set(['a']), WORKER_MIN_BYTES);
  try {
    assert.equal(await hasher.started(), true);
    for (let from = 0; from < files.a.length; from += 600) await feed(hasher, [{ source: 'a', from, length: Math.min(600, files.a.length - from) }]);
    assert.equal((await hasher.digests()).get('a'), sha(files.a));
  } finally {
    hasher.close();
  }
});

test('after close, a window is refused rather than left unhashed', async () => {
  const hasher = startWindowHasher(new Set(['a']), WORKER_MIN_BYTES);
  await hasher.started();
  hasher.close();
  await assert.rejects(feed(hasher, [{ source: 'a', from: 0, length: 600 }]), /stopped/);
});

test('with nothing to hash no worker starts', async () => {
  const hasher = startWindowHasher(new Set(), WORKER_MIN_BYTES);
  assert.equal(await hasher.started(), false);
  await feed(hasher, [{ source: 'b', from: 0, length: 300 }]);
  assert.equal((await hasher.digests()).size, 0);
});

test('a few MB are hashed on this thread (a worker costs more to start); the hashes are the same', async () => {
  const hasher = startWindowHasher(new Set(['a', 'b']), WORKER_MIN_BYTES - 1);
  assert.equal(await hasher.started(), false);
  await feed(hasher, [{ source: 'a', from: 0, length: 900 }]);
  await feed(hasher, [{ source: 'a', from: 900, length: 950 }]);
  await feed(hasher, [{ source: 'a', from: 1850, length: 650 }, { source: 'b', from: 0, length: 300 }]);
  const digests = await hasher.digests();
  assert.equal(digests.get('a'), sha(files.a));
  assert.equal(digests.get('b'), sha(files.b));
});

test('the worker starts in a process run with --input-type=module (its source is CommonJS whatever the flags)', () => {
  const script = `
    import windowHasher from ${JSON.stringify(pathToFileURL(path.resolve(__dirname, '../../../src/core/io/windowHasher.ts')).href)};
    const hasher = windowHasher.startWindowHasher(new Set(['a']), windowHasher.WORKER_MIN_BYTES);
    if (!(await hasher.started())) throw new Error('no worker');
    const window = hasher.allocate(16);
    window.fill(7);
    await hasher.onWindow(window, [{ file: { source: 'a', path: 'a', size: 16, sector: 0 }, at: 0, length: 16, last: true }]);
    console.log((await hasher.digests()).get('a'));
    hasher.close();
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), sha(new Uint8Array(16).fill(7)));
});
