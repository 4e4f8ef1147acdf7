// The CLI's launcher sets V8 flags (src/cli/cliLauncher.ts) for the commands that run the engine,
// and nothing else does: not `vmctx --version`, and never the extension, whose host process other
// extensions share. A preload records every call of v8.setFlagsFromString in the child process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { distCli, requireDistCli } from '../helpers/cli';
import { remove, repoRoot, tempDir, writeTree } from '../helpers/tempProject';

requireDistCli();

let dir: string;
let recorder: string;

before(() => {
  dir = tempDir('vmctx-v8flags-');
  recorder = path.join(dir, 'recordFlags.cjs');
  writeFileSync(
    recorder,
    `const v8 = require('node:v8');
const calls = [];
const set = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => { calls.push(flags); return set(flags); };
process.on('exit', () => process.stderr.write('\\nV8FLAGS ' + JSON.stringify(calls) + '\\n'));
`,
  );
  writeTree(dir, {
    'schema.rng': '<element name="a" xmlns="http://relaxng.org/ns/structure/1.0"><attribute name="n"><data type="integer" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"/></attribute></element>',
    'good.xml': '<a n="1"/>',
    'bad.xml': '<a n="x"/>',
  });
});
after(() => remove(dir));

/** Runs `script ARGS` with the recorder preloaded: its exit code, stdout and the flags set. */
function run(script: string, args: string[]): { code: number | null; stdout: string; flags: string[] } {
  const r = spawnSync(process.execPath, ['-r', recorder, script, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, VMCTX_CACHE_DIR: path.join(dir, 'cache') } });
  const line = r.stderr.split('\n').find((l) => l.startsWith('V8FLAGS '));
  assert.ok(line, `no record of the flags: ${r.stderr}`);
  // Nothing else on stderr: a Node whose V8 no longer knows a flag prints "Error: unrecognized
  // flag" there on every run (and goes on), which this catches when CI's Node changes.
  assert.equal(r.stderr.replace(`\n${line}\n`, ''), '', 'stderr holds more than the record');
  return { code: r.status, stdout: r.stdout, flags: JSON.parse(line.slice('V8FLAGS '.length)) as string[] };
}

test('vmctx rng and vmctx check set the CLI flags, and still answer as before', () => {
  const rng = run(distCli, ['rng', 'schema.rng', 'good.xml', 'bad.xml']);
  assert.deepEqual(rng.flags, ['--no-turbo-inlining']);
  assert.equal(rng.code, 1);
  assert.match(rng.stdout, /^bad\.xml:1:7: error: value "x" of attribute "n" is invalid; must be an integer\n$/);
  const check = run(distCli, ['check', path.join(repoRoot, 'examples', 'snooze-cluster')]);
  assert.deepEqual(check.flags, ['--no-turbo-inlining']);
  assert.equal(check.code, 0, check.stdout);
});

test('vmctx --version sets none (loading node:v8 would only cost it)', () => {
  const r = run(distCli, ['--version']);
  assert.deepEqual(r.flags, []);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
});

test('the extension sets none: its host is shared with other extensions', () => {
  // The activation probe loads dist/extension.js against a stand-in vscode and calls activate().
  const r = run(path.join(repoRoot, 'bench', 'activationProbe.cjs'), []);
  const probe = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { error?: string; disposables?: number };
  assert.equal(probe.error, undefined);
  assert.ok((probe.disposables ?? 0) > 0, 'activate() registered nothing: the probe did not run the extension');
  assert.deepEqual(r.flags, []);
});
