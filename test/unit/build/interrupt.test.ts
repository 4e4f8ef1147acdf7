// Interrupted and failing builds (issue #13), with real child processes: `dist/cli.js build`
// stopped by signals while it writes a large ISO, and output folders that are read-only or full.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/tempProject';
import { removeDir } from '../image/helpers';
import { mk } from './faultProject';

const cli = join(repoRoot, 'dist/cli.js');
const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };

before(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
});

function vmctx(args: string[], asUser?: number) {
  const command = asUser === undefined ? [process.execPath, cli, ...args] : ['setpriv', `--reuid=${asUser}`, `--regid=${asUser}`, '--clear-groups', process.execPath, cli, ...args];
  const r = spawnSync(command[0], command.slice(1), { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const temporaries = (folder: string) => readdirSync(folder).filter((n) => n.includes('.tmp-'));

/** A project whose context holds a large (sparse) file, so writing the ISO takes a while. */
function bigProject(megabytes = 128) {
  const p = mk();
  writeFileSync(join(p.project, 'context/big.bin'), '');
  truncateSync(join(p.project, 'context/big.bin'), megabytes << 20);
  return p;
}

async function stopWhileWriting(project: string, signal: NodeJS.Signals, extra: string[] = []): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string; temp: string }> {
  const build = join(project, 'build');
  mkdirSync(build, { recursive: true });
  const child = spawn(process.execPath, [cli, 'build', project, '--only', 'iso', '--force', ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  let temp = '';
  for (const t0 = Date.now(); !temp; ) {
    temp = temporaries(build).find((n) => n.startsWith(`.context.iso.tmp-${child.pid}-`)) ?? '';
    if (Date.now() - t0 > 120_000) {
      child.kill('SIGKILL');
      assert.fail('the build never started writing the ISO');
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  child.kill(signal);
  return { ...(await exited), err, temp };
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} while the ISO is written: the temporary is removed, the previous ISO kept, exit 128+${constants.signals[signal]}`, async () => {
    const { dir, project } = bigProject();
    try {
      mkdirSync(join(project, 'build'));
      writeFileSync(join(project, 'build/context.iso'), 'the previous image');
      const r = await stopWhileWriting(project, signal);
      assert.equal(r.code, 128 + constants.signals[signal], `exit ${r.code} / ${r.signal}: ${r.err}`);
      assert.equal(r.err, `vmctx build: stopped by ${signal}; the outputs being written were left as they were\n`);
      assert.deepEqual(temporaries(join(project, 'build')), []);
      assert.equal(readFileSync(join(project, 'build/context.iso'), 'utf8'), 'the previous image');
    } finally {
      removeDir(dir);
    }
  });
}

test('SIGTERM while genisoimage writes the ISO: the tool is stopped, its temporary removed, exit 143', async () => {
  const { dir, project } = bigProject();
  try {
    const r = await stopWhileWriting(project, 'SIGTERM', ['--iso-backend', 'genisoimage']);
    assert.equal(r.code, 143, `exit ${r.code} / ${r.signal}: ${r.err}`);
    assert.deepEqual(temporaries(join(project, 'build')), []);
    assert.ok(!existsSync(join(project, 'build/context.iso')));
  } finally {
    removeDir(dir);
  }
});

test('SIGKILL while the ISO is written leaves the temporary; the next build removes it (its process is gone)', async () => {
  const { dir, project } = bigProject();
  try {
    const r = await stopWhileWriting(project, 'SIGKILL');
    assert.equal(r.signal, 'SIGKILL');
    assert.deepEqual(temporaries(join(project, 'build')), [r.temp]);
    // A live process's temporary is never touched: a build running now is writing it.
    const live = `.context.iso.tmp-${process.pid}-abcdef`;
    writeFileSync(join(project, 'build', live), 'in progress');
    const next = vmctx(['build', project, '--only', 'overlays']);
    assert.equal(next.code, 0, next.err);
    assert.match(next.err, new RegExp(`build/\\${r.temp}: information build-stale-temporary: removed build/\\${r.temp}, left by an interrupted build whose process is gone`));
    assert.deepEqual(temporaries(join(project, 'build')), [live]);
  } finally {
    removeDir(dir);
  }
});

/** Mounts `fs` on `folder` (tmpfs of a size, or a read-only bind); the reason when the machine does not allow it. */
function mount(args: string[]): string | undefined {
  if (process.env.VMCTX_TEST_NO_MOUNT) return 'VMCTX_TEST_NO_MOUNT is set'; // to run the fallback where mount works
  const r = spawnSync('mount', args, { encoding: 'utf8' });
  return r.status === 0 ? undefined : `mount ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`;
}

/** Output folder unwritable without mount: chmod, and as root the CLI runs as nobody (root ignores modes). */
function chmodFallback(t: { diagnostic(m: string): void }, dir: string, build: string, reason: string): number | undefined {
  t.diagnostic(`${reason}: using chmod and EACCES instead`);
  console.log(`# ${reason}: using chmod and EACCES instead`);
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  chmodSync(build, 0o555);
  return process.getuid?.() === 0 ? 65534 : undefined;
}

function assertOneLineFailure(r: { code: number | null; out: string; err: string }, cause: RegExp) {
  assert.equal(r.code, 1, r.out + r.err);
  assert.doesNotMatch(r.err, /internal error|^\s+at /m, 'no stack trace');
  assert.match(r.err, new RegExp(`^failed build/context\\.iso \\(embedded\\): cannot (open|write) build/context\\.iso: ${cause.source}$`, 'm'));
  assert.match(r.err, new RegExp(`^build/\\.vmcontext-build\\.json: error build-state: cannot (write|open) build/\\.vmcontext-build\\.json: ${cause.source}$`, 'm'));
  for (const line of r.err.trim().split('\n')) assert.ok(line.length < 400, line);
}

test('a read-only output folder: one line per file naming it and the cause, no stack trace, the record intact', async (t) => {
  const { dir, project } = mk();
  const build = join(project, 'build');
  let mounted = false;
  try {
    assert.equal(vmctx(['build', project, '--only', 'iso']).code, 0);
    const record = readFileSync(join(build, '.vmcontext-build.json'), 'utf8');
    writeFileSync(join(project, 'context/changed'), 'x');
    let user: number | undefined;
    const reason = mount(['--bind', build, build]) ?? mount(['-o', 'remount,bind,ro', build]);
    if (reason) {
      spawnSync('umount', [build]);
      user = chmodFallback(t, dir, build, reason);
    } else mounted = true;
    const r = vmctx(['build', project, '--only', 'iso'], user);
    assertOneLineFailure(r, mounted ? /read-only file system \(EROFS\)/ : /permission denied \(EACCES\)/);
    assert.equal(readFileSync(join(build, '.vmcontext-build.json'), 'utf8'), record);
  } finally {
    if (mounted) spawnSync('umount', [build]);
    chmodSync(build, 0o755);
    removeDir(dir);
  }
});

test('a full output folder (1 MB tmpfs): the ISO fails in one line, no temporary, the record stays whole JSON', async (t) => {
  const { dir, project } = mk();
  const build = join(project, 'build');
  mkdirSync(build, { recursive: true });
  const reason = mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', build]);
  try {
    if (reason) {
      // Without a small file system there is no ENOSPC to provoke: the unwritable folder stands in.
      const user = chmodFallback(t, dir, build, reason);
      assertOneLineFailure(vmctx(['build', project, '--only', 'iso'], user), /permission denied \(EACCES\)/);
      return;
    }
    // Many small files make a long record; the first build fits.
    for (let i = 0; i < 300; i++) writeFileSync(join(project, `context/file-${i}`), `${i}\n`);
    assert.equal(vmctx(['build', project, '--only', 'iso']).code, 0);
    const record = readFileSync(join(build, '.vmcontext-build.json'), 'utf8');
    assert.ok(record.length > 4096, `a record of ${record.length} bytes`);
    // Fill what is left, then change the context: the ISO and the record no longer fit.
    spawnSync('dd', ['if=/dev/zero', `of=${join(build, 'filler')}`, 'bs=4k'], { encoding: 'utf8' });
    writeFileSync(join(project, 'context/changed'), 'x'.repeat(600_000));
    const r = vmctx(['build', project, '--only', 'iso']);
    assertOneLineFailure(r, /no space left on device \(ENOSPC\)/);
    assert.deepEqual(temporaries(build), []);
    assert.equal(readFileSync(join(build, '.vmcontext-build.json'), 'utf8'), record);
    JSON.parse(record);
  } finally {
    if (!reason) spawnSync('umount', [build]);
    chmodSync(build, 0o755);
    removeDir(dir);
  }
});
