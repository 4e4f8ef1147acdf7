// Issue #16: the bundles load yaml, Ajv, cloud-init's schemas (dist/lazy/cloudinit.js) and execa
// (dist/lazy/execa.js) on first use only. The lazy files loaded are read from
// the module cache at exit (helpers/loadRecord.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { exampleProject, remove, repoRoot, tempDir } from '../helpers/tempProject';
import { loadedIn, runRecorded, writeLoadRecorder } from '../helpers/loadRecord';

const cli = path.join(repoRoot, 'dist/cli.js');
let dir: string;
let preload: string;

before(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  dir = tempDir('vmctx-lazy-');
  preload = writeLoadRecorder(dir);
});
after(() => remove(dir));

/** Runs a script of the repo: its output and the lazy files it loaded. */
function run(script: string, ...args: string[]) {
  return runWith({}, script, ...args);
}

/** Node's modules of threads, promise-based files and line reading: 1-5 ms each to load. */
const SLOW_BUILTINS = /^(worker_threads|fs\/promises|readline)$/;

function runWith(env: NodeJS.ProcessEnv, script: string, ...args: string[]) {
  const r = runRecorded(preload, [script, ...args], { env });
  const builtins = r.builtins.filter((m) => SLOW_BUILTINS.test(m)).sort();
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, lazy: loadedIn(r, 'lazy'), builtins, crypto: r.builtins.includes('crypto') };
}

test('vmctx --help, --version and check of a Snooze project load no lazy bundle', () => {
  // Twice through the code cache (making its entries, then using them), once through Node's loader.
  for (const env of [{}, {}, { VMCTX_CODE_CACHE: 'off' }]) {
    for (const args of [['--help'], ['--version'], ['check', '--help'], ['check', exampleProject]]) {
      const r = runWith(env, cli, ...args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.deepEqual(r.lazy, [], `vmctx ${args.join(' ')} loaded ${r.lazy.join(', ')}`);
      // Node's modules of threads and promise-based files cost 1-5 ms each to load; these runs need none.
      assert.deepEqual(r.builtins, [], `vmctx ${args.join(' ')} loaded node:${r.builtins.join(', node:')}`);
    }
  }
});

test('a check with a warm compiled-schema cache loads no node:crypto: the schema files are trusted by their identity, the entry by its CRC-32', () => {
  const cache = path.join(dir, 'schema-cache');
  const first = runWith({ VMCTX_CACHE_DIR: cache }, cli, 'check', exampleProject);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.crypto, true, 'the first check compiles the schema and hashes its files');
  const warm = runWith({ VMCTX_CACHE_DIR: cache }, cli, 'check', exampleProject);
  assert.equal(warm.code, 0, warm.stderr);
  assert.equal(warm.stdout, first.stdout);
  assert.equal(warm.crypto, false, 'a warm check loaded node:crypto');
});

test('vmctx build --only iso of a Snooze project loads no lazy bundle, nor node:fs/promises', () => {
  const project = path.join(dir, 'snooze');
  cpSync(exampleProject, project, { recursive: true, filter: (s) => !s.includes(`${path.sep}build`) });
  // Twice: the first build writes the image and its record, the second reads the record.
  for (const expected of [/^wrote build\/context\.iso /m, /up to date/]) {
    const r = run(cli, 'build', project, '--only', 'iso');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, expected);
    assert.deepEqual(r.lazy, []);
    // The build's few file operations go through node:fs's callbacks: a one-shot build would load
    // node:fs/promises (a few milliseconds) for them alone.
    assert.deepEqual(r.builtins, [], `vmctx build --only iso loaded node:${r.builtins.join(', node:')}`);
  }
});

test('vmctx check of a NoCloud project loads the cloud-init bundle and reports from it', () => {
  const r = run(cli, 'check', path.join(repoRoot, 'examples/nocloud-cluster'), '--format', 'json');
  assert.deepEqual(r.lazy, ['cloudinit.js']);
  assert.equal(r.stderr, '');
  // The example is clean: the check ran through the cloud-init validators (yaml, Ajv, schemas).
  assert.deepEqual(JSON.parse(r.stdout).diagnostics, []);
});

test('vmctx check finds cloud-init schema errors through the lazy bundle', () => {
  const project = path.join(dir, 'nocloud');
  cpSync(path.join(repoRoot, 'examples/nocloud-cluster'), project, { recursive: true });
  writeFileSync(path.join(project, 'cloud-init/user-data'), '#cloud-config\npackges: [htop]\n');
  const r = run(cli, 'check', project);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /^cloud-init\/user-data:2:1: error cloudinit-schema-unknown-key: unknown key 'packges'; did you mean 'packages'\?/m);
  assert.deepEqual(r.lazy, ['cloudinit.js']);
});

test('the extension activates without loading a lazy bundle', () => {
  const r = run(path.join(repoRoot, 'bench/activationProbe.cjs'));
  const probe = JSON.parse(r.stdout.trim());
  assert.equal(probe.error, undefined);
  assert.ok(probe.disposables > 10, `activate registered ${probe.disposables} disposables`);
  assert.deepEqual(r.lazy, []);
});
