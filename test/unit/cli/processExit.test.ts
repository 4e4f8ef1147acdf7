// dist/cli.js ends the process at once (process.exit, no argument) when a command is done and
// nothing else would run (src/cli/cliRunner.ts, nothingLeftToRun): output still queued behind a
// full pipe must get out whole first, with the command's exit status. Output that cannot be
// written (a full disk, a reader gone) is exit status 1 and at most one line, never a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { remove, repoRoot, tempDir } from '../helpers/tempProject';
import { distCli, requireDistCli, vmctxInProcess } from '../helpers/cli';

requireDistCli();

const SCHEMA = path.join(repoRoot, 'test/fixtures/relaxng/interleave/schema.rng');

test('vmctx rng: output larger than a pipe holds, read late, arrives whole, with exit status 1', async () => {
  const dir = tempDir();
  try {
    // 1,000 errors (the most one file reports) of about 150 bytes: more than a pipe's 64 KiB.
    writeFileSync(path.join(dir, 'many.xml'), `<devices><console/>${'<bogus/>'.repeat(1500)}</devices>\n`);
    const expected = await vmctxInProcess(['rng', SCHEMA, 'many.xml'], dir);
    assert.equal(expected.code, 1);
    assert.ok(expected.out.length > 96 << 10, `only ${expected.out.length} bytes of output`);
    // The reader starts a second late: vmctx finds the pipe full and its write pending.
    const r = spawnSync('bash', ['-c', `"$0" "$1" rng "$2" many.xml | { sleep 1; cat; }; echo "status \${PIPESTATUS[0]}" >&2`, process.execPath, distCli, SCHEMA], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 16 << 20,
      timeout: 60_000,
      env: { ...process.env, VMCTX_CACHE_DIR: process.env.VMCTX_CACHE_DIR },
    });
    assert.equal(r.status, 0, `bash (Debian package bash) failed: ${r.stderr}`);
    assert.match(r.stderr, /^status 1$/m);
    assert.equal(r.stdout, expected.out);
  } finally {
    remove(dir);
  }
});

test('vmctx rng: a valid file through a pipe exits 0 with no output; a missing schema argument exits 2 with its line', () => {
  const ok = spawnSync(process.execPath, [distCli, 'rng', SCHEMA, path.join(repoRoot, 'test/fixtures/relaxng/interleave/ok-mixed-order.xml')], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, '');
  const usage = spawnSync(process.execPath, [distCli, 'rng', SCHEMA], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /expected a schema and at least one XML file/);
});

test('output to a full disk: exit status 1 and one line saying so, also when the check found nothing wrong', () => {
  assert.ok(existsSync('/dev/full'), 'this test needs /dev/full (a Linux device)');
  const full = openSync('/dev/full', 'w');
  try {
    for (const args of [['check', path.join(repoRoot, 'examples', 'snooze-cluster')], ['rng', SCHEMA, path.join(repoRoot, 'test/fixtures/relaxng/interleave/bad-value.xml')]]) {
      const r = spawnSync(process.execPath, [distCli, ...args], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      assert.equal(r.stderr, 'vmctx: cannot write the output: no space left on device (ENOSPC)\n', `vmctx ${args[0]}`);
      assert.equal(r.status, 1, `vmctx ${args[0]}`);
    }
  } finally {
    closeSync(full);
  }
});

test('a reader that leaves early (EPIPE): exit status 1, nothing on stderr', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'many.xml'), `<devices><console/>${'<bogus/>'.repeat(1500)}</devices>\n`);
    const child = spawn(process.execPath, [distCli, 'rng', SCHEMA, ...Array(20).fill('many.xml')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    // The first bytes, then the reader is gone (as `| head -c 10` does).
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.equal(err, '');
    assert.equal(status, 1);
  } finally {
    remove(dir);
  }
});
