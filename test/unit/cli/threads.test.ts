// `vmctx rng` and `vmctx check` on worker threads print what they print on one thread, in the
// same order, text and JSON (the bundled dist/cli.js with its dist/validationWorker.js, and the
// sources in process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { copyExample, remove, repoRoot, tempDir } from '../helpers/tempProject';
import { requireDistCli, vmctxInProcess, vmctxProcess } from '../helpers/cli';

requireDistCli();

const SCHEMA = '/usr/share/libvirt/schemas/domain.rng';
const CORPUS = path.join(repoRoot, 'test/fixtures/libvirt-domains');
const cache = { VMCTX_CACHE_DIR: process.env.VMCTX_CACHE_DIR };
/** VMCTX_THREADS is lowered to the cores: '3' is 3 threads on 3 cores or more. */
const CORES = availableParallelism();

/** Files of each thread from VMCTX_DEBUG's line: the main thread first. */
function perThread(stderr: string, command: string): number[] {
  const m = new RegExp(`^vmctx ${command}: files per thread: ([\\d ]+)$`, 'm').exec(stderr);
  assert.ok(m, `no per-thread line in ${stderr}`);
  return m[1].split(' ').map(Number);
}

test('vmctx rng: the same lines on 1 and 3 threads (as many as the cores allow), in the order of the files, text and JSON; unreadable and broken files included', () => {
  assert.ok(existsSync(SCHEMA), `${SCHEMA} is missing: install the Debian package libvirt0`);
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'broken.xml'), '<domain type="kvm"><name>x</name>');
    writeFileSync(path.join(dir, 'latin1.xml'), Buffer.from('<?xml version="1.0" encoding="UTF-16"?><domain/>', 'latin1'));
    mkdirSync(path.join(dir, 'folder.xml'));
    const corpus = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort().map((f) => path.join(CORPUS, f));
    // The corpus eight times over (about 1,090 files). The main thread waits for its workers
    // (VMCTX_DEBUG=workers-first), so they get a share however loaded the machine: without it,
    // the main thread sometimes did all the files before the one worker of a 2-core machine had
    // started, and the test could not tell that the threads shared the work.
    const files = [...corpus, path.join(dir, 'broken.xml'), ...corpus, path.join(dir, 'missing.xml'), ...corpus, path.join(dir, 'folder.xml'), path.join(dir, 'latin1.xml')];
    for (let k = 0; k < 5; k++) files.push(...corpus);
    for (const format of ['text', 'json']) {
      const one = vmctxProcess(['rng', '--format', format, SCHEMA, ...files], { ...cache, VMCTX_THREADS: '1', VMCTX_DEBUG: '1' });
      const three = vmctxProcess(['rng', '--format', format, SCHEMA, ...files], { ...cache, VMCTX_THREADS: '3', VMCTX_DEBUG: 'workers-first' });
      assert.equal(one.code, 1, one.stderr);
      assert.equal(three.code, 1, three.stderr);
      assert.equal(three.stdout, one.stdout);
      assert.deepEqual(perThread(one.stderr, 'rng'), [files.length]);
      const counts = perThread(three.stderr, 'rng');
      assert.equal(counts.length, Math.min(3, CORES));
      assert.equal(counts.reduce((a, b) => a + b), files.length);
      if (CORES > 1) assert.ok(counts.slice(1).some((n) => n > 0), `the workers did none: ${counts}`);
      if (format === 'text') {
        const lines = one.stdout.trim().split('\n');
        assert.ok(lines.length > 40, `${lines.length} lines`);
        // In the order of the files given: the first corpus error comes back after broken.xml's, then again after missing.xml's.
        const at = (name: string) => lines.findIndex((l) => l.includes(name));
        assert.ok(at('broken.xml') > 0 && at('broken.xml') < at('missing.xml') && at('missing.xml') < at('folder.xml') && at('folder.xml') < at('latin1.xml'), lines.filter((l) => l.includes(dir)).join('\n'));
        assert.match(lines[at('missing.xml')], /missing\.xml:1:1: error: cannot read file: no such file or directory/);
        assert.match(lines[at('folder.xml')], /folder\.xml:1:1: error: cannot read file: illegal operation on a directory/);
        assert.equal(lines[at('broken.xml') + 1], lines[0]);
      } else {
        const diags = JSON.parse(three.stdout).diagnostics as Array<{ code: string }>;
        assert.deepEqual([...new Set(diags.map((d) => d.code))].sort(), ['file-unreadable', 'rng-invalid', 'xml-malformed']);
      }
    }
  } finally {
    remove(dir);
  }
});

test('vmctx rng in process (the TypeScript sources on the workers): the same output on 1 and 2 threads', async () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
  const many = [...files, ...files, ...files];
  const one = await vmctxInProcess(['rng', SCHEMA, ...many], CORPUS, { ...cache, VMCTX_THREADS: '1' });
  const two = await vmctxInProcess(['rng', SCHEMA, ...many], CORPUS, { ...cache, VMCTX_THREADS: '2', VMCTX_DEBUG: '1' });
  assert.equal(one.code, 1);
  assert.equal(two.out, one.out);
  assert.equal(perThread(two.err, 'rng').length, 2);
  assert.ok(one.out.split('\n').length > 10);
});

/** The example with `count` more templates, every few of them broken another way. */
function faultyFleet(count: number): string {
  const dir = copyExample();
  const base = readFileSync(path.join(dir, 'templates/debian1.xml'), 'utf8');
  for (let i = 0; i < count; i++) {
    const hex = (i + 0x20).toString(16).padStart(2, '0');
    let t = base
      .replace('<name>debian1</name>', `<name>vm${i}</name>`)
      .replace(/<uuid>.*<\/uuid>/, `<uuid>7092c347-9628-4238-87dc-${i.toString(16).padStart(12, '0')}</uuid>`)
      .replace('/opt/cloud/debian1.qcow2', `/opt/cloud/vm${i}.qcow2`)
      .replace("<mac address='00:16:c0:a8:7a:11'/>", `<mac address='00:16:c0:a8:7b:${hex}'/>`);
    if (i % 17 === 1) t = t.replace(`<name>vm${i}</name>`, '<name>vm0</name>'); // a name taken
    if (i % 19 === 2) t = t.replace('00:16:c0:a8:7b', '01:16:c0:a8:7b'); // multicast MAC
    if (i % 23 === 3) t = t.replace('<memballoon', '<bogus/>\n    <memballoon'); // not in the schema
    if (i % 29 === 4) t = t.replace('</devices>', ''); // not well-formed
    if (i % 31 === 5) t = t.replace(/<uuid>.*<\/uuid>/, '<uuid>7092c347-9628-4238-87dc-000000000000</uuid>'); // a UUID taken
    writeFileSync(path.join(dir, `templates/vm${String(i).padStart(3, '0')}.xml`), t);
  }
  return dir;
}

test('vmctx check of a fleet with faults: the same output on 1 and 3 threads (as many as the cores allow), text and JSON', () => {
  const dir = faultyFleet(400);
  try {
    for (const format of ['text', 'json']) {
      const one = vmctxProcess(['check', dir, '--format', format], { ...cache, VMCTX_THREADS: '1', VMCTX_DEBUG: '1' });
      const three = vmctxProcess(['check', dir, '--format', format], { ...cache, VMCTX_THREADS: '3', VMCTX_DEBUG: '1' });
      assert.equal(one.code, 1, one.stderr);
      assert.equal(three.code, 1, three.stderr);
      assert.equal(three.stdout, one.stdout);
      const counts = perThread(three.stderr, 'check');
      assert.equal(counts.reduce((a, b) => a + b), perThread(one.stderr, 'check')[0]);
      if (format === 'json') {
        const codes = new Set((JSON.parse(one.stdout).diagnostics as Array<{ code: string }>).map((d) => d.code));
        for (const c of ['xml-malformed', 'libvirt-schema']) assert.ok(codes.has(c), `${c} in ${[...codes]}`);
        assert.ok(codes.size >= 4, [...codes].join(' '));
      }
    }
  } finally {
    remove(dir);
  }
});

test('VMCTX_THREADS must be a number of threads', async () => {
  for (const bad of ['0', 'two', '65', '-1']) {
    const r = await vmctxInProcess(['rng', SCHEMA, path.join(CORPUS, readdirSync(CORPUS).find((f) => f.endsWith('.xml'))!)], CORPUS, { VMCTX_THREADS: bad });
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`^vmctx rng: VMCTX_THREADS=${bad}: expected a number of threads from 1 to 64\\n`));
  }
});

test('VMCTX_THREADS above the cores is lowered to them, with one line on stderr; at the cores, no line', async () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
  const many = [...files, ...files];
  assert.ok(many.length > 64, 'more files than threads asked for');
  const r = await vmctxInProcess(['rng', SCHEMA, ...many], CORPUS, { ...cache, VMCTX_THREADS: '64', VMCTX_DEBUG: '1' });
  assert.equal(r.code, 1, r.err);
  assert.equal(perThread(r.err, 'rng').length, CORES);
  const notes = r.err.split('\n').filter((l) => l.includes('VMCTX_THREADS'));
  assert.deepEqual(notes, [`vmctx rng: VMCTX_THREADS=64 lowered to ${CORES}, the number of cores of this machine (more threads than cores only cost time and memory)`]);
  const atCores = await vmctxInProcess(['rng', SCHEMA, ...many], CORPUS, { ...cache, VMCTX_THREADS: String(CORES), VMCTX_DEBUG: '1' });
  assert.equal(atCores.out, r.out);
  assert.equal(perThread(atCores.err, 'rng').length, CORES);
  assert.doesNotMatch(atCores.err, /lowered/);
});

test('SIGINT during vmctx rng on threads: the workers stop, one line, exit 130, nothing printed', async () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort();
  const many = Array.from({ length: 20 }, () => files).flat();
  const t0 = Date.now();
  // The process's own SIGINT, every 200 ms until the run ends (the command listens once its
  // schema is loaded); this test's own listener keeps a signal before or after from ending the process.
  const guard = () => undefined;
  process.on('SIGINT', guard);
  const timer = setInterval(() => process.kill(process.pid, 'SIGINT'), 200);
  try {
    const r = await vmctxInProcess(['rng', SCHEMA, ...many], CORPUS, { ...cache, VMCTX_THREADS: '2' });
    assert.equal(r.err, 'vmctx rng: stopped by SIGINT\n');
    assert.equal(r.code, 130);
    assert.equal(r.out, '');
    assert.ok(Date.now() - t0 < 60_000);
  } finally {
    clearInterval(timer);
    // A signal already sent may still be on its way.
    setTimeout(() => process.off('SIGINT', guard), 1000);
  }
});

test('vmctx rng: a named pipe among the files is one error line, not a hang (opening it would wait for a writer)', () => {
  const dir = tempDir();
  try {
    const fifo = path.join(dir, 'pipe.xml');
    const made = spawnSync('mkfifo', [fifo]);
    assert.equal(made.status, 0, `mkfifo failed (Debian package coreutils): ${made.stderr}`);
    const good = path.join(CORPUS, readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort()[0]);
    // A limit so that a regression fails here instead of hanging the run.
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'rng', path.join(repoRoot, 'schemas/domain-template.rng'), fifo, good], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', env: { ...process.env, ...cache, VMCTX_THREADS: '1' } });
    assert.equal(r.signal, null, 'vmctx rng did not finish');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /pipe\.xml:1:1: error: cannot read file: it is a named pipe, not a file\n/);
    assert.equal(r.stderr, '');
  } finally {
    remove(dir);
  }
});
