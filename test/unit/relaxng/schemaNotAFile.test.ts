// A schema that is a named pipe (given, included, or libvirt's domain.rng in --libvirt-schemas)
// is refused at once with what it is: opened plainly it waited for a writer for good, and
// `vmctx check` (whose stop handler then cannot run) did not even end on SIGTERM. Run as
// processes with a deadline, so that a hang fails the test instead of stopping the suite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { distCli, requireDistCli } from '../helpers/cli';
import { exampleProject, remove, tempDir } from '../helpers/tempProject';

requireDistCli();
let dir: string;

before(() => {
  dir = tempDir('vmctx-schema-fifo-');
  const fifo = (name: string) => {
    const made = spawnSync('mkfifo', [path.join(dir, name)]);
    assert.equal(made.status, 0, `mkfifo failed (Debian package coreutils): ${made.stderr}`);
  };
  fifo('pipe.rng');
  mkdirSync(path.join(dir, 'libvirt'));
  fifo('libvirt/domain.rng');
  writeFileSync(
    path.join(dir, 'includes-pipe.rng'),
    '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><include href="pipe.rng"/><start><element name="a"><empty/></element></start></grammar>\n',
  );
  writeFileSync(path.join(dir, 'a.xml'), '<a/>\n');
});
after(() => remove(dir));

function vmctx(args: string[]) {
  const r = spawnSync(process.execPath, [distCli, ...args], { cwd: dir, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: { ...process.env, VMCTX_CACHE_DIR: path.join(dir, 'cache') } });
  assert.notEqual(r.signal, 'SIGKILL', `vmctx ${args.join(' ')} did not end within 30 s`);
  return r;
}

test('vmctx rng: a schema that is a named pipe, given or included, is one error line', () => {
  const given = vmctx(['rng', 'pipe.rng', 'a.xml']);
  assert.equal(given.stdout, `pipe.rng:1:1: error: cannot read schema "${path.join(dir, 'pipe.rng')}": it is a named pipe, not a file\n`);
  assert.equal(given.status, 1);
  const included = vmctx(['rng', 'includes-pipe.rng', 'a.xml']);
  assert.match(included.stdout, /^includes-pipe\.rng:1:\d+: error: cannot read schema ".*pipe\.rng": it is a named pipe, not a file\n$/);
  assert.equal(included.status, 1);
});

test("vmctx check --libvirt-schemas: a domain.rng that is a named pipe falls back to the bundled schema, saying why", () => {
  const r = vmctx(['check', exampleProject, '--libvirt-schemas', path.join(dir, 'libvirt')]);
  assert.match(r.stderr, /cannot use the schema .*domain\.rng .*\n.*domain\.rng:1:1: error: cannot read schema ".*domain\.rng": it is a named pipe, not a file\n/);
  assert.equal(r.stdout, 'checked 7 files: no problems\n');
  assert.equal(r.status, 0);
});
