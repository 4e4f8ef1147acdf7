// The embedded ISO writer at the edges of the format: a symlinked context folder, more
// folders than path tables can number, a file of 4 GiB.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeIsoFromFolder } from '../../../src/core/io/isoFile';
import { scanContext } from '../../../src/core/io/contextScan';
import { layoutIso, type IsoDirectory } from '../../../src/core/image/iso9660/index';
import { UserError } from '../../../src/core/common/errors';
import { removeDir, tempDir, tool, writeTree, xorrisoTree } from './helpers';

describe('ISO writer limits', () => {
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => removeDir(dir));

  it('a context folder that is a symlink gives the root the mode of the folder it points to', async () => {
    const real = join(dir, 'real-context');
    writeTree(real, { 'post-install': '#!/bin/sh\n' });
    chmodSync(real, 0o750);
    const link = join(dir, 'context');
    symlinkSync(real, link);
    const iso = join(dir, 'linked.iso');
    const r = await writeIsoFromFolder(link, iso, { env: {} });
    assert.deepEqual(r.problems, []);
    const root = xorrisoTree(iso).find((l) => l.endsWith(" '/'"));
    assert.match(root ?? '', /^drwxr-x--- /);
    const dot = tool('isoinfo', ['-R', '-l', '-i', iso]).split('\n').find((l) => / \.\s*$/.test(l));
    assert.match(dot ?? '', /^drwxr-x--- /);
  });

  it('refuses more than 65,535 folders (16-bit parent numbers in the path tables)', () => {
    const tree = (dirs: number): IsoDirectory => ({
      kind: 'dir', name: '', mode: 0o755,
      children: Array.from({ length: dirs - 1 }, (_, i) => ({ kind: 'dir' as const, name: `d${i}`, mode: 0o755, children: [] })),
    });
    assert.throws(() => layoutIso(tree(65_536), { date: 0 }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /^65536 folders \(the context folder included\): an ISO 9660 image holds at most 65535/);
      return true;
    });
  });

  it('a file of 4 GiB stops the build with an error (never an image without it)', async () => {
    const ctx = join(dir, 'big');
    writeTree(ctx, { 'post-install': '#!/bin/sh\n' });
    // Sparse: no disk space used.
    writeFileSync(join(ctx, 'disk.img'), '');
    truncateSync(join(ctx, 'disk.img'), 2 ** 32);
    const scan = await scanContext(ctx);
    assert.deepEqual(scan.problems.map((p) => [p.path, p.code, p.severity]), [['disk.img', 'iso-file-too-large', 'error']]);
    assert.match(scan.problems[0].message, /^is 4294967296 bytes: files of 4 GiB or more need ISO 9660 level 3/);
    const iso = join(dir, 'big.iso');
    await assert.rejects(writeIsoFromFolder(ctx, iso, { env: {}, scan }), /cannot build .*big\.iso: disk\.img: is 4294967296 bytes/);
    assert.ok(!existsSync(iso));
  });
});
