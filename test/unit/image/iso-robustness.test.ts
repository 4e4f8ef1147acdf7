// What the ISO build does with awkward input: problems reported by name, cancellation,
// files vanishing mid-build, long names and link targets (CE), 10,000 files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, symlinkSync, unlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeIsoFromFolder } from '../../../src/core/io/isoFile';
import { scanContext } from '../../../src/core/io/contextScan';
import { CancelledError, UserError } from '../../../src/core/common/errors';
import { removeDir, tempDir, tool, writeTree, xorrisoTree } from './helpers';

describe('ISO build robustness', () => {
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => removeDir(dir));

  it('reports outside symlinks, special files and undecodable names by path, and leaves them out', async () => {
    const ctx = join(dir, 'problems');
    writeTree(ctx, {
      ok: 'fine\n',
      sub: { 'rel-out': { link: '../../../etc/passwd' }, 'abs-in': { link: join(ctx, 'ok') }, 'climb-in': { link: '../sub/../ok' } },
      'abs-out': { link: '/etc/passwd' },
    });
    tool('mkfifo', [join(ctx, 'pipe')]);
    writeFileSync(Buffer.concat([Buffer.from(ctx + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'x');
    const iso = join(dir, 'problems.iso');
    const r = await writeIsoFromFolder(ctx, iso, { env: {} });
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.code]));
    assert.deepEqual(byPath, {
      'abs-out': 'iso-symlink-outside',
      'sub/rel-out': 'iso-symlink-outside',
      pipe: 'iso-special-file',
      'bad-\ufffd\ufffd.txt': 'iso-name-encoding',
    });
    assert.ok(r.problems.every((p) => p.message.includes('left out')));
    const tree = xorrisoTree(iso).map((l) => l.replace(/^.* '\//, "'/")).sort();
    assert.deepEqual(tree, ["'/'", "'/ok'", "'/sub'", "'/sub/abs-in' -> '../ok'", "'/sub/climb-in' -> '../sub/../ok'"]);
  });

  it('keeps a name holding U+FFFD itself, in a folder beside an undecodable name and in one without', async () => {
    // The scan lists names as text and lists a folder again as bytes only when a name shows U+FFFD
    // (how Node shows bytes that are not UTF-8): a real U+FFFD must still be kept either way.
    const ctx = join(dir, 'replacement');
    writeTree(ctx, { 'real-\ufffd.txt': 'kept\n', alone: { '\ufffd': 'kept too\n' } });
    writeFileSync(Buffer.concat([Buffer.from(ctx + '/bad-'), Buffer.from([0xc3]), Buffer.from('.txt')]), 'x');
    const scan = await scanContext(ctx);
    assert.deepEqual(scan.problems.map((p) => [p.path, p.code]), [['bad-\ufffd.txt', 'iso-name-encoding']]);
    assert.deepEqual(scan.entries.map((e) => e.path), ['alone', 'alone/\ufffd', 'real-\ufffd.txt']);
  });

  it('stores a 255-byte name and a long link target through continuation areas', async () => {
    const ctx = join(dir, 'long');
    const name = 'n'.repeat(250) + '.conf';
    // Over 255 bytes (several SL entries, then CE) yet under libisofs's 1024-byte limit.
    const target = 'sub/'.repeat(170) + 'file';
    writeTree(ctx, { [name]: 'long name\n' });
    symlinkSync(target, join(ctx, 'far-link'));
    const iso = join(dir, 'long.iso');
    await writeIsoFromFolder(ctx, iso, { env: {} });
    const listing = tool('isoinfo', ['-R', '-l', '-i', iso]);
    assert.ok(listing.includes(` ${name} `));
    assert.ok(listing.includes(`far-link -> ${target}`));
    assert.deepEqual(tool('isoinfo', ['-R', '-i', iso, '-x', `/${name}`]), 'long name\n');
    assert.ok(xorrisoTree(iso).some((l) => l.endsWith(`'/far-link' -> '${target}'`)));
  });

  it('cancelling mid-build leaves the previous ISO intact and no temporary file', async () => {
    const ctx = join(dir, 'cancel');
    mkdirSync(ctx);
    for (let i = 0; i < 8; i++) writeFileSync(join(ctx, `chunk${i}`), Buffer.alloc(4 << 20, i));
    const out = join(dir, 'cancel-out');
    mkdirSync(out);
    const iso = join(out, 'context.iso');
    writeFileSync(iso, 'previous image');
    const ac = new AbortController();
    let calls = 0;
    await assert.rejects(
      writeIsoFromFolder(ctx, iso, { env: {}, signal: ac.signal, onProgress: () => ++calls === 2 && ac.abort() }),
      CancelledError,
    );
    assert.equal(readFileSync(iso, 'utf8'), 'previous image');
    assert.deepEqual(readdirSync(out), ['context.iso']);
  });

  it('a file that disappears during the build fails it by name, keeping the previous ISO', async () => {
    const ctx = join(dir, 'vanish');
    writeTree(ctx, { 'post-install': '#!/bin/sh\n', common: { network: 'IP=1\n' } });
    const out = join(dir, 'vanish-out');
    mkdirSync(out);
    const iso = join(out, 'context.iso');
    writeFileSync(iso, 'previous image');
    const scan = await scanContext(ctx);
    unlinkSync(join(ctx, 'common', 'network'));
    await assert.rejects(writeIsoFromFolder(ctx, iso, { env: {}, scan }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /common\/network disappeared while the image was being written/);
      return true;
    });
    assert.equal(readFileSync(iso, 'utf8'), 'previous image');
    assert.deepEqual(readdirSync(out), ['context.iso']);
  });

  it('a file that grew or became shorter after the scan fails the build by name, keeping the previous ISO', async () => {
    // The file's end is read with its last piece where the window has room after it (sector
    // padding, or the next file's first byte), else by a read of its own (a file ending exactly
    // at the end of a 4 MiB window): each way must see the change.
    const cases: Array<[string, Record<string, string | Buffer>, string, Buffer, RegExp]> = [
      ['padding', { 'a.txt': 'x'.repeat(100), 'b.txt': 'y' }, 'a.txt', Buffer.alloc(101, 120), /a\.txt grew while the image was being written/],
      ['next-file', { 'a.bin': Buffer.alloc(4096, 1), 'b.bin': Buffer.alloc(10, 2) }, 'a.bin', Buffer.alloc(4097, 1), /a\.bin grew/],
      ['window-end', { 'a.bin': Buffer.alloc(4 << 20, 3) }, 'a.bin', Buffer.alloc((4 << 20) + 1, 3), /a\.bin grew/],
      ['shorter', { 'a.txt': 'x'.repeat(100) }, 'a.txt', Buffer.alloc(99, 120), /a\.txt became shorter while the image was being written/],
    ];
    for (const [name, files, changed, bytes, message] of cases) {
      const ctx = join(dir, `changed-${name}`);
      writeTree(ctx, files);
      const out = join(dir, `changed-${name}-out`);
      mkdirSync(out);
      const iso = join(out, 'context.iso');
      writeFileSync(iso, 'previous image');
      const scan = await scanContext(ctx);
      // Unchanged, the same scan builds.
      await writeIsoFromFolder(ctx, join(dir, `changed-${name}.iso`), { env: {}, scan });
      writeFileSync(join(ctx, changed), bytes);
      await assert.rejects(writeIsoFromFolder(ctx, iso, { env: {}, scan }), (e: unknown) => {
        assert.ok(e instanceof UserError, name);
        assert.match(e.message, message, name);
        return true;
      });
      assert.equal(readFileSync(iso, 'utf8'), 'previous image', name);
      assert.deepEqual(readdirSync(out), ['context.iso'], name);
    }
  });

  it('of two files changed after the scan, in windows read apart, the build names the one first in the image, keeping the previous ISO', async () => {
    // Each file spans several 1 MiB windows: the second is read while the first's are written.
    const ctx = join(dir, 'two-changed');
    writeTree(ctx, { 'a.bin': Buffer.alloc(3 << 20, 1), 'm.txt': 'middle\n', 'z.bin': Buffer.alloc(3 << 20, 2) });
    const out = join(dir, 'two-changed-out');
    mkdirSync(out);
    const iso = join(out, 'context.iso');
    writeFileSync(iso, 'previous image');
    const scan = await scanContext(ctx);
    writeFileSync(join(ctx, 'z.bin'), Buffer.alloc((3 << 20) + 1, 2));
    writeFileSync(join(ctx, 'a.bin'), Buffer.alloc((3 << 20) - 1, 1));
    await assert.rejects(writeIsoFromFolder(ctx, iso, { env: {}, scan }), /a\.bin became shorter while the image was being written/);
    assert.equal(readFileSync(iso, 'utf8'), 'previous image');
    assert.deepEqual(readdirSync(out), ['context.iso']);
    // a.bin as scanned again: z.bin, further on, is named.
    writeFileSync(join(ctx, 'a.bin'), Buffer.alloc(3 << 20, 1));
    await assert.rejects(writeIsoFromFolder(ctx, iso, { env: {}, scan }), /z\.bin grew while the image was being written/);
    assert.deepEqual(readdirSync(out), ['context.iso']);
  });

  it('holds 10,000 look-alike files in one folder, every one extracted byte-exact', async () => {
    const ctx = join(dir, 'many');
    mkdirSync(ctx);
    for (let i = 0; i < 10_000; i++) writeFileSync(join(ctx, `host-config-${String(i).padStart(5, '0')}.conf`), `host ${i}\n`);
    const iso = join(dir, 'many.iso');
    await writeIsoFromFolder(ctx, iso, { env: {} });
    const names = tool('isoinfo', ['-l', '-i', iso]).split('\n').map((l) => /\]\s\s(\S+) $/.exec(l)?.[1]).filter((n) => n && n !== '.' && n !== '..');
    assert.equal(names.length, 10_000);
    assert.equal(new Set(names).size, 10_000);
    const out = join(dir, 'many-out');
    tool('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out]);
    const extracted = readdirSync(out).sort();
    assert.deepEqual(extracted, readdirSync(ctx).sort());
    for (const n of extracted) assert.equal(readFileSync(join(out, n), 'utf8'), readFileSync(join(ctx, n), 'utf8'));
  });
});
