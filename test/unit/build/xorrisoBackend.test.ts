// `--iso-backend xorriso` as the build runs it: reproducible bytes under one image date
// (SOURCE_DATE_EPOCH or the newest input), and symlinks reported as in the image.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { isoCommand } from '../../../src/core/build/externalCommands';
import { runTool } from '../../../src/core/io/runTool';
import { removeDir, setAllTimes, tempDir, tool, writeTree, xorrisoTree } from '../image/helpers';

describe('xorriso backend', () => {
  let dir: string;
  let ctx: string;
  const date = 946_684_800; // 2000-01-01 00:00:00 UTC
  const build = async (name: string) => {
    const out = join(dir, name);
    const r = await runTool(isoCommand('xorriso', 'xorriso', ctx, 'CONTEXT', out, date), { env: { PATH: process.env.PATH, LANG: 'C.UTF-8' } });
    assert.equal(r.exitCode, 0, r.stderr);
    return { bytes: readFileSync(out), messages: r.messages, out };
  };

  before(() => {
    dir = tempDir();
    ctx = join(dir, 'context');
    writeTree(ctx, { 'post-install': '#!/bin/sh\n', common: { network: 'IP=10.0.0.1\n', up: { link: '../post-install' } }, 'to-common': { link: 'common' } });
    setAllTimes(ctx, 1_700_000_000);
  });
  after(() => removeDir(dir));

  it('gives the same bytes after the inputs are touched, with the build date everywhere', async () => {
    const first = await build('one.iso');
    utimesSync(join(ctx, 'post-install'), 1_750_000_000, 1_750_000_000);
    utimesSync(join(ctx, 'common'), 1_750_000_000, 1_750_000_000);
    const second = await build('two.iso');
    assert.ok(first.bytes.equals(second.bytes), 'the two images differ');
    const pvd = tool('xorriso', ['-indev', second.out, '-pvd_info']);
    assert.match(pvd, /Creation Time: 2000010100000000/);
    assert.match(pvd, /Modif\. Time {2}: 2000010100000000/);
    for (const line of xorrisoTree(second.out)) assert.match(line, / Jan {2}1 {2}2000 /, line);
  });

  it('reports no symlink as left out: they are in the Rock Ridge tree', async () => {
    const { messages, out } = await build('links.iso');
    assert.deepEqual(messages.filter((m) => m.severity !== 'information'), []);
    const links = xorrisoTree(out).filter((l) => l.startsWith('l'));
    assert.equal(links.length, 2);
    assert.ok(links.some((l) => l.endsWith("'/common/up' -> '../post-install'")));
  });
});
