// An image built whatever its inputs hold (none yet, or no record of it) has its files hashed
// while the embedded writer reads them, not in a pass of their own: the record it leaves must
// be the one a later plan computes by reading the files, so incremental builds still work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import * as path from 'node:path';
import { planBuild, runBuild } from '../../../src/core/build/buildEngine';
import type { BuildInputs } from '../../../src/core/build/buildInputs';
import { parseState } from '../../../src/core/build/buildState';
import { remove, tempDir, writeTree } from '../helpers/tempProject';

const env = { SOURCE_DATE_EPOCH: '1700000000' };

function project(): { dir: string; inputs: BuildInputs } {
  const dir = tempDir();
  writeTree(dir, {
    'context/post-install': '#!/bin/sh\necho hi\n',
    'context/empty': '',
    // Larger than the writer's 4 MiB window: its bytes reach the hash in several pieces.
    'context/big/blob.bin': Buffer.from(Array.from({ length: (9 << 20) + 123 }, (_, i) => (i * 7919) % 251)),
    'context/big/small.txt': 'x'.repeat(5000),
  });
  symlinkSync('big/small.txt', path.join(dir, 'context/link'));
  const inputs: BuildInputs = {
    projectDir: dir,
    contextDir: path.join(dir, 'context'),
    iso: { path: path.join(dir, 'build/context.iso'), label: 'CONTEXT' },
    overlays: [],
    stateFile: path.join(dir, 'build/.vmcontext-build.json'),
  };
  return { dir, inputs };
}

async function build(inputs: BuildInputs, force = false) {
  const plan = await planBuild(inputs, { only: 'iso', env, force });
  const result = await runBuild(plan, inputs, { only: 'iso', env, force });
  assert.equal(result.ok, true, JSON.stringify(result.outcomes));
  return { plan, result, state: parseState(readFileSync(inputs.stateFile, 'utf8')) };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('a first build hashes the files as it writes them; the record equals what reading them gives', async () => {
  const { dir, inputs } = project();
  try {
    const first = await build(inputs);
    assert.equal(first.result.outcomes[0].message.startsWith('new;'), true, first.result.outcomes[0].message);
    const files = ['post-install', 'empty', 'big/blob.bin', 'big/small.txt'].map((f) => path.join(dir, 'context', f));
    assert.deepEqual(Object.keys(first.state.files).sort(), [...files].sort());
    for (const f of files) assert.equal(first.state.files[f].sha256, sha256(f), f);

    // Nothing changed: up to date, from the recorded hashes alone.
    const second = await build(inputs);
    assert.deepEqual(second.plan.steps, []);
    assert.match(second.result.skipped[0].reason, /^up to date/);

    // --force plans with the record, so it hashes before writing: the same input hash.
    const forced = await build(inputs, true);
    assert.equal(forced.state.iso?.inputHash, first.state.iso?.inputHash);

    // A file rewritten with the same bytes (new mtime, same content): still up to date.
    const blob = path.join(dir, 'context/big/blob.bin');
    utimesSync(blob, new Date(), new Date(Date.now() + 5000));
    const touched = await build(inputs);
    assert.deepEqual(touched.plan.steps, []);

    // The record gone: rebuilt, hashed while writing, the same input hash and the same image.
    const image = readFileSync(inputs.iso.path);
    rmSync(inputs.stateFile);
    const again = await build(inputs);
    assert.equal(again.result.outcomes[0].message.startsWith('no record of an earlier build;'), true, again.result.outcomes[0].message);
    assert.equal(again.state.iso?.inputHash, first.state.iso?.inputHash);
    assert.deepEqual(readFileSync(inputs.iso.path), image);
    assert.equal(again.state.iso?.size, statSync(inputs.iso.path).size);
  } finally {
    remove(dir);
  }
});
