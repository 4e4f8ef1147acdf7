// Deploy at scale and sparse images, against the real tools where it matters: the batched
// listing against virsh's test driver (a node file of its own), copies checked with stat's
// allocated blocks, the hash cache by the bytes it reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readdirSync, openSync, closeSync, writeSync, ftruncateSync, statSync, readFileSync, writeFileSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { execaVirsh, listHostDomains, virshBatch, type VirshRunner } from '../../../src/core/io/virsh';
import { copySkippingZeros, copySparse } from '../../../src/core/io/sparseCopy';
import { FileHashCache, sha256File } from '../../../src/core/io/fileHashCache';
import { virshQuote, parseUuidNameList } from '../../../src/core/deploy/virshOutput';
import { remove, tempDir } from '../helpers/tempProject';

const HASH = 'a'.repeat(64);

/** A node file for `test:///PATH`: domains with awkward names, one shut off, one deployed by us. */
function testDriverNode(dir: string): string {
  const file = path.join(dir, 'node.xml');
  const domain = (name: string, uuid: string, extra = '') =>
    `<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>${name}</name><uuid>${uuid}</uuid><memory>65536</memory><os><type>hvm</type></os>${extra}</domain>`;
  writeFileSync(
    file,
    `<node>
  ${domain('web one', '11111111-2222-3333-4444-000000000001', `<metadata><vmctx:deploy xmlns:vmctx="urn:vm-context:deploy:1" hash="${HASH}"/></metadata>`)}
  ${domain('it&apos;s', '11111111-2222-3333-4444-000000000002', '<test:runstate>5</test:runstate>')}
  ${domain('--inactive', '11111111-2222-3333-4444-000000000003')}
  ${domain('other', '11111111-2222-3333-4444-000000000004')}
</node>
`,
  );
  return file;
}

function counting(run: VirshRunner): { run: VirshRunner; calls: string[][] } {
  const calls: string[][] = [];
  return { calls, run: (uri, args, o) => (calls.push(args), run(uri, args, o)) };
}

test('virsh test driver: one listing and one batch give names, UUIDs, states and deploy hashes, whatever the names', async () => {
  const dir = tempDir('vmctx-list-');
  try {
    const uri = `test://${testDriverNode(dir)}`;
    const { run, calls } = counting(execaVirsh('virsh'));
    const names = ['web one', "it's", '--inactive', 'absent-vm'];
    const domains = await listHostDomains(run, uri, names);
    assert.deepEqual(domains, {
      'web one': { uuid: '11111111-2222-3333-4444-000000000001', state: 'running', deployHash: HASH },
      "it's": { uuid: '11111111-2222-3333-4444-000000000002', state: 'shut off', deployHash: undefined },
      '--inactive': { uuid: '11111111-2222-3333-4444-000000000003', state: 'running', deployHash: undefined },
    });
    // `list`, then one session for the three that exist; `other` is not ours and not asked about.
    assert.equal(calls.length, 2);
    assert.equal(calls[1].length, 1);
    assert.doesNotMatch(calls[1][0], /other/);
  } finally {
    remove(dir);
  }
});

test('virsh test driver: a batch past one argument\'s limit (128 KiB) is split; outputs stay in order; a failed command gives ""', async () => {
  const dir = tempDir('vmctx-list-');
  try {
    const uri = `test://${testDriverNode(dir)}`;
    const { run, calls } = counting(execaVirsh('virsh'));
    const commands = Array.from({ length: 4500 }, (_, i) => (i % 500 === 7 ? ['domuuid', '--domain', 'nope'] : ['domuuid', '--domain', i % 2 ? 'web one' : "it's"]));
    const out = await virshBatch(run, uri, commands);
    assert.equal(out.length, 4500);
    assert.equal(calls.length, 3);
    for (const c of calls) assert.ok(c.length === 1 && c[0].length < 128 * 1024, `one argument under 128 KiB (${c[0].length})`);
    assert.equal(out[7], '');
    assert.equal(out[0].trim(), '11111111-2222-3333-4444-000000000002');
    assert.equal(out[1].trim(), '11111111-2222-3333-4444-000000000001');
    assert.equal(out[4499].trim(), '11111111-2222-3333-4444-000000000001');
    assert.equal(out[4007].trim(), '');
  } finally {
    remove(dir);
  }
});

test('virsh batches: arguments with control characters run alone as an argument array; quoting', async () => {
  const seen: string[][] = [];
  const run: VirshRunner = async (_uri, args) => {
    seen.push(args);
    return { exitCode: 0, stdout: args.length === 1 ? args[0].split(' ; ').filter((c) => c.startsWith("'echo'") || c.startsWith('echo')).map((c) => c.replace(/^'?echo'? /, '')).join('') : 'alone\n', stderr: '' };
  };
  const out = await virshBatch(run, 'test:///default', [['domstate', 'a'], ['domstate', 'new\nline'], ['domstate', 'b']]);
  assert.deepEqual(out, ['', 'alone\n', '']);
  assert.deepEqual(seen[1], ['domstate', 'new\nline']);
  assert.equal(seen.length, 3);
  assert.equal(virshQuote("it's"), `'it'\\''s'`);
  assert.equal(virshQuote('a\tb'), undefined);
  assert.deepEqual(parseUuidNameList('6695eb01-f6a4-8304-79aa-97f2502e193f test\n6695eb01-f6a4-8304-79aa-97f2502e1940 web one\n\n'), [
    { uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', name: 'test' },
    { uuid: '6695eb01-f6a4-8304-79aa-97f2502e1940', name: 'web one' },
  ]);
});

/** 64 MiB, almost all holes: 1 MiB of data at 0 and 4 KiB at 40 MiB. */
function sparseFile(file: string): void {
  const fd = openSync(file, 'w');
  writeSync(fd, Buffer.alloc(1 << 20, 0x5a), 0, 1 << 20, 0);
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 40 << 20);
  ftruncateSync(fd, 64 << 20);
  closeSync(fd);
}

test('local copies keep holes: the copy allocates no more blocks than the source, the bytes are the same', async () => {
  const dir = tempDir('vmctx-sparse-');
  try {
    const src = path.join(dir, 'base.raw');
    sparseFile(src);
    const source = statSync(src);
    assert.ok(source.blocks * 512 < 4 << 20, `the source should be sparse (${source.blocks} blocks)`);
    mkdirSync(path.join(dir, 'host'));
    for (const [name, copy] of [
      ['cp', (to: string) => copySparse(src, to)],
      ['in process', (to: string) => copySkippingZeros(src, to)],
    ] as const) {
      const to = path.join(dir, 'host', `copy-${name.replace(' ', '-')}.raw`);
      await copy(to);
      const st = statSync(to);
      assert.equal(st.size, source.size, name);
      assert.equal(st.blocks, source.blocks, `${name}: allocated blocks`);
      assert.equal(await sha256File(to), await sha256File(src), name);
      assert.equal((st.mode & 0o777).toString(8), '644');
    }
  } finally {
    remove(dir);
  }
});

test('a copy into a folder that cannot be written fails with a message and leaves no temporary file', async () => {
  const dir = tempDir('vmctx-sparse-');
  try {
    const src = path.join(dir, 'base.raw');
    writeFileSync(src, 'x');
    await assert.rejects(copySparse(path.join(dir, 'missing.raw'), path.join(dir, 'out', 'copy.raw')), /copying .*missing\.raw.*No such file/);
    assert.deepEqual(readFileSync(src, 'utf8'), 'x');
    assert.deepEqual(readdirSync(path.join(dir, 'out')), []);
  } finally {
    remove(dir);
  }
});

test('file hashes are kept per identity: a second run reads nothing; a touched file is read again', async () => {
  const dir = tempDir('vmctx-hashes-');
  try {
    const file = path.join(dir, 'image.raw');
    const store = path.join(dir, 'build', '.vmcontext-hashes.json');
    writeFileSync(file, Buffer.alloc(3 << 20, 1));
    const first = await FileHashCache.open(store);
    const read: string[] = [];
    const h = await first.hash(file, undefined, (f) => read.push(f));
    assert.equal(h, await sha256File(file));
    assert.equal(first.bytesHashed, 3 << 20);
    await first.save();
    assert.ok(statSync(store).isFile());

    const second = await FileHashCache.open(store);
    assert.equal(await second.hash(file, undefined, (f) => read.push(f)), h);
    assert.equal(second.bytesHashed, 0);
    assert.equal(read.length, 1);

    writeFileSync(file, Buffer.alloc(3 << 20, 2));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const third = await FileHashCache.open(store);
    assert.notEqual(await third.hash(file), h);
    assert.equal(third.bytesHashed, 3 << 20);

    // A damaged store counts as empty.
    writeFileSync(store, '{ not json');
    const fourth = await FileHashCache.open(store);
    await fourth.hash(file);
    assert.equal(fourth.bytesHashed, 3 << 20);
  } finally {
    remove(dir);
  }
});

test('a copy made by deploy is known to equal its source while neither changes, without reading either', async () => {
  const dir = tempDir('vmctx-hashes-');
  try {
    const src = path.join(dir, 'base.raw');
    const to = path.join(dir, 'host', 'base.raw');
    const store = path.join(dir, 'build', '.vmcontext-hashes.json');
    writeFileSync(src, Buffer.alloc(1 << 20, 3));
    await copySparse(src, to);
    const first = await FileHashCache.open(store);
    await first.recordCopy(src, to);
    await first.save();
    const second = await FileHashCache.open(store);
    assert.equal(await second.isUnchangedCopy(src, to), true);
    assert.equal(await second.isUnchangedCopy(to, src), false);
    assert.equal(second.bytesHashed, 0);
    // The host's copy is changed by someone: no longer known equal.
    writeFileSync(to, Buffer.alloc(1 << 20, 4));
    assert.equal(await second.isUnchangedCopy(src, to), false);
  } finally {
    remove(dir);
  }
});

/** A temporary folder and the path of a hash cache in it, removed after `fn`. */
async function inHashFolder(fn: (dir: string, store: string) => Promise<void>): Promise<void> {
  const dir = tempDir('vmctx-hashes-');
  try {
    await fn(dir, path.join(dir, 'build', '.vmcontext-hashes.json'));
  } finally {
    remove(dir);
  }
}

/** Waits until a new change time can be told from the last one (the kernel's clock is coarse), then runs `change`, which must move it. */
async function movingCtime(file: string, change: () => void): Promise<void> {
  const before = statSync(file).ctimeMs;
  await new Promise((r) => setTimeout(r, 30));
  change();
  assert.notEqual(statSync(file).ctimeMs, before, 'the change time moved');
}

test('a change of owner or mode alone (libvirt chowns an image as a VM starts) reads a sample, not the image; the next run reads nothing', () =>
  inHashFolder(async (dir, store) => {
    const file = path.join(dir, 'base.raw');
    const to = path.join(dir, 'host', 'base.raw');
    // Larger than the whole-file sample (8 MiB): what libvirt chowns is a base image.
    writeFileSync(file, Buffer.alloc(20 << 20, 5));
    await copySparse(file, to);
    const first = await FileHashCache.open(store);
    const h = await first.hash(file);
    await first.recordCopy(file, to);
    await first.save();

    const st = statSync(file);
    await movingCtime(file, () => {
      chmodSync(file, 0o640);
      chownSync(file, st.uid, st.gid);
    });
    await movingCtime(to, () => chmodSync(to, 0o600));
    const second = await FileHashCache.open(store);
    assert.equal(await second.hash(file), h);
    assert.equal(await second.isUnchangedCopy(file, to), true);
    assert.equal(second.bytesHashed, 0);
    // Two samples, the base and the copy, 6 MiB each of 20 MiB files: the base as the copy's source was confirmed a moment before, with the same identity.
    assert.equal(second.bytesSampled, 2 * ((2 << 20) + 62 * (64 << 10)));
    await second.save();

    // The new change times are kept: nothing is read again.
    const third = await FileHashCache.open(store);
    assert.equal(await third.hash(file), h);
    assert.equal(await third.isUnchangedCopy(file, to), true);
    assert.equal(third.bytesHashed + third.bytesSampled, 0);
  }));

test('an image rewritten with its size kept and its mtime set back is hashed again; a copy so rewritten is no longer known equal', () =>
  inHashFolder(async (dir, store) => {
    const rewrite = async (file: string, at: number, bytes: Buffer) => {
      const st = statSync(file);
      await movingCtime(file, () => {
        const fd = openSync(file, 'r+');
        try {
          writeSync(fd, bytes, 0, bytes.length, at);
        } finally {
          closeSync(fd);
        }
        utimesSync(file, st.atime, new Date(Math.floor(st.mtimeMs / 1000) * 1000));
      });
      assert.deepEqual([statSync(file).size, statSync(file).mtimeMs, statSync(file).ino], [st.size, st.mtimeMs, st.ino]);
    };
    // A small file (its sample is all of it), then an image's header and its last bytes.
    for (const [size, at] of [[3 << 20, 1_500_000], [20 << 20, 100], [20 << 20, (20 << 20) - 12]]) {
      const file = path.join(dir, `image-${size}-${at}`);
      writeFileSync(file, Buffer.alloc(size, 1));
      utimesSync(file, 1_600_000_000, 1_600_000_000);
      const first = await FileHashCache.open(store);
      const h = await first.hash(file);
      await first.save();
      await rewrite(file, at, Buffer.from('qcow2 header'));
      const second = await FileHashCache.open(store);
      const again = await second.hash(file);
      assert.equal(again, await sha256File(file));
      assert.notEqual(again, h, `${size} at ${at}`);
      assert.equal(second.bytesHashed, size);
    }

    const src = path.join(dir, 'base.raw');
    const to = path.join(dir, 'host', 'base.raw');
    writeFileSync(src, Buffer.alloc(20 << 20, 3));
    utimesSync(src, 1_600_000_000, 1_600_000_000);
    await copySparse(src, to);
    utimesSync(to, 1_600_000_000, 1_600_000_000);
    const first = await FileHashCache.open(store);
    await first.recordCopy(src, to);
    await first.save();
    await rewrite(to, 0, Buffer.from('another image'));
    assert.equal(await (await FileHashCache.open(store)).isUnchangedCopy(src, to), false, 'the copy was rewritten');
    await rewrite(src, 0, Buffer.from('another image'));
    await rewrite(to, 0, Buffer.from('a third image'));
    assert.equal(await (await FileHashCache.open(store)).isUnchangedCopy(src, to), false, 'the source was rewritten');
  }));

test('a hash cache of an earlier vm-context (no change times, no samples) is trusted as it was, and takes them', () =>
  inHashFolder(async (dir, store) => {
    const file = path.join(dir, 'base.raw');
    writeFileSync(file, Buffer.alloc(20 << 20, 7));
    const st = statSync(file);
    mkdirSync(path.dirname(store), { recursive: true });
    const h = await sha256File(file);
    writeFileSync(store, JSON.stringify({ version: 1, files: { [file]: { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256: h } } }));
    const old = await FileHashCache.open(store);
    assert.equal(await old.hash(file), h);
    assert.equal(old.bytesHashed, 0);
    await old.save();
    const kept = JSON.parse(readFileSync(store, 'utf8')).files[file];
    assert.equal(kept.ctimeMs, st.ctimeMs);
    assert.match(kept.sample, /^[0-9a-f]{64}$/);
    const next = await FileHashCache.open(store);
    assert.equal(await next.hash(file), h);
    assert.equal(next.bytesHashed + next.bytesSampled, 0);
  }));
