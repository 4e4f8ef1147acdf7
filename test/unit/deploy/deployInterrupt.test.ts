// `vmctx deploy` stopped by signals, with real child processes: dist/cli.js deploys the example
// to virsh's test driver with its files copied to a host folder; the real cp copies, then (a
// wrapper on PATH) waits to be stopped, so the signal lands while the copy's temporary exists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { copyExample, remove, repoRoot } from '../helpers/tempProject';

const cli = join(repoRoot, 'dist/cli.js');
let project = '';
let wrapperDir = '';
const host = () => join(project, 'host');
const mark = () => join(project, 'cp-waiting');
const temporaries = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((n) => n.includes('.tmp-')) : []);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - t0 > ms) assert.fail(`waited ${ms} ms for ${what}`);
  }
}

before(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const virsh = spawnSync('virsh', ['--version'], { encoding: 'utf8' });
  if (virsh.status !== 0) throw new Error('virsh is missing: install the Debian package libvirt-clients');
  project = copyExample();
  writeFileSync(join(project, 'images/debian-base.raw'), '');
  truncateSync(join(project, 'images/debian-base.raw'), 64 << 20);
  const manifest = JSON.parse(readFileSync(join(project, 'vmcontext.json'), 'utf8'));
  manifest.hosts = [{ uri: 'test:///default', directory: host() }];
  writeFileSync(join(project, 'vmcontext.json'), JSON.stringify(manifest, null, 2));
  const build = spawnSync(process.execPath, [cli, 'build', project, '--iso-backend', 'embedded', '--overlay-backend', 'embedded'], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  // The real cp copies the file to its temporary, then says so (its PID) and waits to be stopped.
  const cp = spawnSync('sh', ['-c', 'command -v cp'], { encoding: 'utf8' }).stdout.trim();
  wrapperDir = join(project, 'bin');
  mkdirSync(wrapperDir);
  writeFileSync(join(wrapperDir, 'cp'), `#!/bin/sh\n'${cp}' "$@" || exit $?\necho $$ > '${mark()}'\nexec sleep 60\n`);
  chmodSync(join(wrapperDir, 'cp'), 0o755);
});

after(() => remove(project));

/** Starts a deploy whose first copy waits once made; resolves when the copy's temporary exists. */
async function deployWaitingInCopy() {
  rmSync(host(), { recursive: true, force: true });
  rmSync(mark(), { force: true });
  const child = spawn(process.execPath, [cli, 'deploy', project], { env: { ...process.env, PATH: `${wrapperDir}:${process.env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await until('the copy of the base image', () => existsSync(mark()) && readFileSync(mark(), 'utf8').endsWith('\n'));
  const cpPid = Number(readFileSync(mark(), 'utf8'));
  const [temp] = temporaries(host());
  assert.match(temp ?? '', new RegExp(`^\\.debian-base\\.raw\\.tmp-${child.pid}-[0-9a-f]{6}$`));
  return { child, exited, cpPid, temp, stderr: () => err };
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} during a copy: cp is stopped, its temporary removed, one line, exit 128+${constants.signals[signal]}`, async () => {
    const run = await deployWaitingInCopy();
    run.child.kill(signal);
    const r = await run.exited;
    assert.equal(r.code, 128 + constants.signals[signal], `exit ${r.code} / ${r.signal}: ${run.stderr()}`);
    const lines = run.stderr().trim().split('\n');
    assert.equal(lines.at(-1), `vmctx deploy: stopped by ${signal}; the steps done stay done, nothing half-copied is left`);
    assert.equal(lines.filter((l) => l.includes('stopped')).length, 1);
    assert.doesNotMatch(run.stderr(), /^\s+at /m, 'no stack trace');
    assert.deepEqual(temporaries(host()), []);
    assert.ok(!existsSync(join(host(), 'debian-base.raw')), 'the interrupted copy is not in place');
    await until('the stopped cp to exit', () => !alive(run.cpPid), 10_000);
  });
}

test('SIGKILL during a copy leaves its temporary; the next deploy removes it (its process is gone), not a live one', async () => {
  const run = await deployWaitingInCopy();
  run.child.kill('SIGKILL');
  assert.equal((await run.exited).signal, 'SIGKILL');
  process.kill(run.cpPid, 'SIGTERM'); // the orphaned wrapper; cp itself has finished
  assert.deepEqual(temporaries(host()), [run.temp]);
  // A live process's temporary is never touched: a deploy running now is writing it.
  const live = `.debian1.qcow2.tmp-${process.pid}-abcdef`;
  writeFileSync(join(host(), live), 'in progress');
  const next = spawnSync(process.execPath, [cli, 'deploy', project], { encoding: 'utf8' });
  assert.equal(next.status, 0, next.stderr);
  assert.match(next.stderr, new RegExp(`^removed ${join(host(), run.temp).replace(/[.]/g, '\\.')}, left by an interrupted deploy whose process is gone$`, 'm'));
  assert.deepEqual(temporaries(host()), [live]);
  assert.ok(existsSync(join(host(), 'debian-base.raw')));
  assert.match(next.stdout, /^deployed: 8 changes$/m);
});

test('a dry run stopped by SIGTERM while virsh lists the host: exit 143, one line, nothing written', async () => {
  rmSync(host(), { recursive: true, force: true });
  // A virsh that waits: the signal lands while the probe runs it.
  const slow = join(project, 'slow-virsh');
  writeFileSync(slow, `#!/bin/sh\necho $$ > '${mark()}'\nexec sleep 60\n`);
  chmodSync(slow, 0o755);
  rmSync(mark(), { force: true });
  const child = spawn(process.execPath, [cli, 'deploy', project, '--dry-run', '--virsh', slow], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await until('virsh to start', () => existsSync(mark()) && readFileSync(mark(), 'utf8').endsWith('\n'));
  const virshPid = Number(readFileSync(mark(), 'utf8'));
  child.kill('SIGTERM');
  assert.equal(await exited, 143, err);
  assert.equal(err.trim().split('\n').at(-1), 'vmctx deploy: stopped by SIGTERM; the steps done stay done, nothing half-copied is left');
  assert.ok(!existsSync(host()));
  await until('the stopped virsh to exit', () => !alive(virshPid), 10_000);
});

test('SIGKILL while virsh defines: its /tmp folder stays; the next deploy removes it (its process is gone), not a live one', async () => {
  rmSync(host(), { recursive: true, force: true });
  rmSync(mark(), { force: true });
  // A temporary folder of the test's own as TMPDIR: the machine's /tmp is left alone.
  const tmp = join(project, 'tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const env = { ...process.env, TMPDIR: tmp };
  // The real virsh, except `define`, which says so (its PID and the file it was given) and waits.
  const virsh = join(project, 'define-waits');
  writeFileSync(virsh, `#!/bin/sh\nfor a in "$@"; do [ "$a" = define ] && { echo "$$ $*" > '${mark()}'; exec sleep 60; }; done\nexec virsh "$@"\n`);
  chmodSync(virsh, 0o755);
  const child = spawn(process.execPath, [cli, 'deploy', project, '--virsh', virsh], { env, stdio: ['ignore', 'ignore', 'ignore'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await until('virsh define', () => existsSync(mark()) && readFileSync(mark(), 'utf8').endsWith('\n'));
  const [virshPid, ...args] = readFileSync(mark(), 'utf8').trim().split(' ');
  const file = args[args.indexOf('--file') + 1];
  const folder = readdirSync(tmp);
  assert.equal(folder.length, 1);
  assert.match(folder[0], new RegExp(`^vmctx-define-${child.pid}-[A-Za-z0-9]{6}$`));
  assert.equal(file, join(tmp, folder[0], 'domain.xml'));
  assert.match(readFileSync(file, 'utf8'), /<domain/);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  process.kill(Number(virshPid), 'SIGTERM'); // the orphaned wrapper
  assert.deepEqual(readdirSync(tmp), folder, 'SIGKILL leaves the folder behind');
  // A live process's folder is never touched: a deploy running now is using it.
  const live = `vmctx-vol-${process.pid}-abcDEF`;
  mkdirSync(join(tmp, live));
  const next = spawnSync(process.execPath, [cli, 'deploy', project, '--dry-run'], { encoding: 'utf8', env });
  assert.equal(next.status, 0, next.stderr);
  assert.match(next.stderr, new RegExp(`^removed ${join(tmp, folder[0]).replace(/[.]/g, '\\.')}, left by an interrupted deploy whose process is gone$`, 'm'));
  assert.deepEqual(readdirSync(tmp), [live]);
});
