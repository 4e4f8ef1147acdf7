// The CLI's launcher sets V8 flags (src/cli/cliLauncher.ts) for the commands that run the engine,
// and nothing else does: not `vmctx --version`, and never the extension, whose host process other
// extensions share. A preload records every call of v8.setFlagsFromString in the child process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const { writeSync } = require('node:fs');
const set = v8.setFlagsFromString;
// Each call said at once: the launcher sets V8 back in an exit handler of its own, after this one's.
v8.setFlagsFromString = (flags) => { writeSync(2, '\\nV8FLAG ' + JSON.stringify(flags) + '\\n'); return set(flags); };
// The young generation's size at the end: what --semi-space-growth-factor=1 keeps small.
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
process.on('exit', () => writeSync(2, '\\nV8FLAGS-RECORDED ' + newSpace() + '\\n'));
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
function run(script: string, args: string[], nodeArgs: string[] = []): { code: number | null; stdout: string; flags: string[]; newSpace: number } {
  const r = spawnSync(process.execPath, [...nodeArgs, '-r', recorder, script, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, VMCTX_CACHE_DIR: path.join(dir, 'cache') } });
  const recorded = /\nV8FLAGS-RECORDED (\d+)\n/.exec(r.stderr);
  assert.ok(recorded, `the recorder did not run: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('V8FLAG '));
  // Nothing else on stderr: a Node whose V8 no longer knows a flag prints "Error: unrecognized
  // flag" there on every run (and goes on), which this catches when CI's Node changes.
  assert.equal(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('V8FLAGS-RECORDED') && !l.startsWith('V8FLAG ')).join('\n'), '', 'stderr holds more than the record');
  return { code: r.status, stdout: r.stdout, flags: lines.map((l) => JSON.parse(l.slice('V8FLAG '.length)) as string), newSpace: Number(recorded[1]) };
}

/** What the launcher sets, then what it sets back before the code cache's entries are written. */
const FLAGS = ['--no-turbo-inlining --semi-space-growth-factor=1', '--turbo-inlining --semi-space-growth-factor=2'];

test('vmctx rng and vmctx check set the CLI flags, and still answer as before', () => {
  const rng = run(distCli, ['rng', 'schema.rng', 'good.xml', 'bad.xml']);
  // Set after the bundle is loaded, and set back before the code cache's entries are written.
  assert.deepEqual(rng.flags, FLAGS);
  assert.equal(rng.code, 1);
  assert.match(rng.stdout, /^bad\.xml:1:7: error: value "x" of attribute "n" is invalid; must be an integer\n$/);
  const check = run(distCli, ['check', path.join(repoRoot, 'examples', 'snooze-cluster')]);
  assert.deepEqual(check.flags, FLAGS);
  assert.equal(check.code, 0, check.stdout);
});

test("the flags do not cost the code cache: the entries written at a command's exit are used by its next run, not refused and rewritten", () => {
  const codeDir = path.join(dir, 'cache', 'code');
  // The NoCloud example's check loads a lazy group (cloudinit) once the flags are set: its entry too.
  const runs = [['rng', 'schema.rng', 'good.xml'], ['check', path.join(repoRoot, 'examples', 'snooze-cluster')], ['check', path.join(repoRoot, 'examples', 'nocloud-cluster')]];
  for (const args of runs) {
    rmSync(codeDir, { recursive: true, force: true });
    assert.deepEqual(run(distCli, args).flags, FLAGS);
    const entries = readdirSync(codeDir).filter((f) => f.endsWith('.bin'));
    // `vmctx rng` runs its own bundle (dist/bundle/cliRng.js).
    const bundle = args[0] === 'rng' ? 'cliRng-' : 'cli-';
    assert.ok(entries.some((f) => f.startsWith(bundle)), `${args[0]}: an entry for the CLI bundle: ${entries.join(' ')}`);
    if (args[1].endsWith('nocloud-cluster')) assert.ok(entries.some((f) => f.startsWith('cloudinit-')), `an entry for the cloudinit group: ${entries.join(' ')}`);
    const identity = (f: string) => {
      const st = statSync(path.join(codeDir, f), { bigint: true });
      return `${f} ${st.ino} ${st.mtimeNs}`;
    };
    const written = entries.map(identity);
    // V8 refuses an entry made under other flags than its reader's; the cache then writes it afresh (a new file, renamed in).
    run(distCli, args);
    assert.deepEqual(readdirSync(codeDir).filter((f) => f.endsWith('.bin')).map(identity), written, `${args.slice(0, 2).join(' ')}: every entry is used as it is`);
  }
});

test('the young generation keeps its first size: V8 takes --semi-space-growth-factor set at run time', () => {
  const example = path.join(repoRoot, 'examples', 'snooze-cluster');
  const withFlags = run(distCli, ['check', example]);
  assert.deepEqual(withFlags.flags, FLAGS);
  // Started with a setting of one of these flags, the launcher sets none: V8's own growth.
  const without = run(distCli, ['check', example], ['--semi-space-growth-factor=2']);
  assert.deepEqual(without.flags, []);
  assert.equal(withFlags.stdout, without.stdout);
  // 2 MiB (two semi-spaces of 1 MiB) with the flag; 8-16 MiB without, measured.
  assert.ok(withFlags.newSpace <= 4 << 20, `new space ${withFlags.newSpace} bytes at exit with the flag`);
  assert.ok(without.newSpace > withFlags.newSpace, `new space ${without.newSpace} bytes without the flag, ${withFlags.newSpace} with it`);
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
