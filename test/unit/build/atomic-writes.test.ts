// Every file we write goes through a temporary sibling: whole or not at all, and temporaries
// of processes that are gone are cleaned up; I/O errors read as one line naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempFolder, removeStaleTemporaries, writeFileAtomically } from '../../../src/core/io/atomicFile';
import { ioErrorMessage } from '../../../src/core/common/errors';
import { removeDir, tempDir } from '../image/helpers';

test('writeFileAtomically replaces, or with exclusive refuses an existing file and leaves no temporary', async () => {
  const dir = tempDir('vmctx-atomic-');
  try {
    const f = join(dir, 'vmcontext.json');
    await writeFileAtomically(f, '{"a":1}');
    await writeFileAtomically(f, '{"a":2}');
    assert.equal(readFileSync(f, 'utf8'), '{"a":2}');
    await assert.rejects(writeFileAtomically(f, 'new', { exclusive: true }), { code: 'EEXIST' });
    assert.equal(readFileSync(f, 'utf8'), '{"a":2}');
    await writeFileAtomically(join(dir, 'post-install'), '#!/bin/sh\n', { exclusive: true, mode: 0o755 });
    assert.deepEqual(readdirSync(dir).sort(), ['post-install', 'vmcontext.json']);
  } finally {
    removeDir(dir);
  }
});

test('removeStaleTemporaries removes the temporaries of gone processes only', async () => {
  const dir = tempDir('vmctx-atomic-');
  try {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const names = [`.context.iso.tmp-${gone}-a1b2c3`, `.context.iso.tmp-${process.pid}-a1b2c3`, `.x.tmp-1-a1b2c3`, 'context.iso', `.context.iso.tmp-${gone}-notours`];
    for (const n of names) writeFileSync(join(dir, n), n);
    const removed = await removeStaleTemporaries(dir, (pid) => pid === 1);
    assert.deepEqual(removed, [join(dir, `.context.iso.tmp-${gone}-a1b2c3`)]);
    assert.deepEqual(readdirSync(dir).sort(), names.slice(1).sort());
    assert.deepEqual(await removeStaleTemporaries(join(dir, 'missing')), []);
  } finally {
    removeDir(dir);
  }
});

test("removeStaleTemporaries 'folders': a gone process's makeTempFolder folders, whole, and nothing else", async () => {
  const dir = tempDir('vmctx-atomic-');
  const saved = process.env.TMPDIR;
  try {
    process.env.TMPDIR = dir;
    const mine = await makeTempFolder('vmctx-define');
    assert.match(mine, new RegExp(`^${dir.replace(/[.]/g, '\\.')}/vmctx-define-${process.pid}-[A-Za-z0-9]{6}$`));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dead = [`vmctx-define-${gone}-Ab12cD`, `vmctx-vol-${gone}-x1Y2z3`];
    for (const n of dead) {
      mkdirSync(join(dir, n, 'sub'), { recursive: true });
      writeFileSync(join(dir, n, 'sub', 'domain.xml'), '<domain/>');
    }
    // Not ours to remove: a live process's, a file of that name, other names, another program's folder.
    const kept = [`vmctx-vol-1-abcdef`, `vmctx-other-${gone}-abcdef`, `vmctx-define-${gone}-abc`, `.domain.xml.tmp-${gone}-a1b2c3`, `vmctx-vol-${gone}-fileXY`];
    for (const n of kept.slice(0, 3)) mkdirSync(join(dir, n));
    for (const n of kept.slice(3)) writeFileSync(join(dir, n), n);
    const removed = await removeStaleTemporaries(dir, (pid) => pid === 1, 'folders');
    assert.deepEqual(removed.sort(), dead.map((n) => join(dir, n)).sort());
    assert.deepEqual(readdirSync(dir).sort(), [...kept, mine.slice(dir.length + 1)].sort());
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    removeDir(dir);
  }
});

test('ioErrorMessage: one line with the file (a temporary shown as its target) and the cause', () => {
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e;
    }
    assert.fail('no error');
  };
  const noDir = err(() => openSync('/nonexistent-dir/.context.iso.tmp-12-abcdef', 'w'));
  assert.equal(ioErrorMessage(noDir), 'cannot open /nonexistent-dir/context.iso: no such file or directory (ENOENT)');
  assert.equal(ioErrorMessage(noDir, (p) => p.replace('/nonexistent-dir/', 'build/')), 'cannot open build/context.iso: no such file or directory (ENOENT)');
  const noSpace = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/b/..vmcontext-build.json.tmp-3-00ff00' });
  assert.equal(ioErrorMessage(noSpace), 'cannot write /b/.vmcontext-build.json: no space left on device (ENOSPC)');
  assert.equal(ioErrorMessage(new Error('plain')), 'plain');
});
