// `vmctx build` end to end on a copy of the example project: embedded and external backends,
// incremental rebuilds, overlays holding data, cancellation of an external tool.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, symlinkSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { copyExampleWithBase, vmctxInProcess as vmctx } from '../helpers/cli';
import { runTool } from '../../../src/core/io/runTool';
import { CancelledError, UserError } from '../../../src/core/common/errors';
import { removeDir, tempDir, tool, xorrisoTree } from '../image/helpers';

describe('vmctx build', () => {
  let dir: string;
  let project: string;
  before(() => {
    dir = tempDir('vmctx-build-');
    project = copyExampleWithBase('snooze-cluster', join(dir, 'snooze'));
  });
  after(() => removeDir(dir));

  it('writes the ISO and one overlay per template, then skips them when nothing changed', async () => {
    const first = await vmctx(['build', project], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /wrote build\/context\.iso \(embedded/);
    for (const vm of ['debian1', 'debian2', 'debian3']) assert.match(first.out, new RegExp(`wrote build/overlays/${vm}\\.qcow2 \\(embedded`));
    const iso = join(project, 'build', 'context.iso');
    assert.match(tool('isoinfo', ['-d', '-i', iso]), /Volume id: CONTEXT/);
    const ov = join(project, 'build', 'overlays', 'debian1.qcow2');
    const info = JSON.parse(tool('qemu-img', ['info', '--output=json', ov]));
    assert.equal(info['backing-filename'], 'debian-base.raw'); // beside the overlay in /opt/cloud on the hosts
    assert.equal(info['backing-filename-format'], 'raw');
    assert.equal(info['virtual-size'], 64 << 20);
    const before = statSync(iso).mtimeMs;
    const second = await vmctx(['build', project], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(second.code, 0);
    assert.match(second.out, /skipped build\/context\.iso: up to date/);
    assert.match(second.out, /skipped build\/overlays\/debian1\.qcow2: up to date/);
    assert.doesNotMatch(second.out, /^wrote/m);
    assert.equal(statSync(iso).mtimeMs, before);
    writeFileSync(join(project, 'context', 'post-install'), readFileSync(join(project, 'context', 'post-install'), 'utf8') + '# changed\n');
    const third = await vmctx(['build', project, '--only', 'iso'], dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.match(third.out, /wrote build\/context\.iso \(embedded, \d+ ms\): the context or the options changed/);
    assert.doesNotMatch(third.out, /overlays/);
  });

  it('leaves an overlay holding data alone unless --force', async () => {
    const ov = join(project, 'build', 'overlays', 'debian2.qcow2');
    // As on the hosts, the base sits beside the overlays, so qemu-io can open the chain.
    symlinkSync(join(project, 'images', 'debian-base.raw'), join(project, 'build', 'overlays', 'debian-base.raw'));
    tool('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 64k', ov]);
    const r = await vmctx(['build', project, '--only', 'overlays'], dir);
    assert.equal(r.code, 0);
    assert.match(r.out, /skipped build\/overlays\/debian2\.qcow2: holds the VM's data .*--force/);
    const forced = await vmctx(['build', project, '--only', 'overlays', '--force'], dir);
    assert.match(forced.out, /wrote build\/overlays\/debian2\.qcow2 .*discarding the VM's data/);
  });

  for (const backend of ['genisoimage', 'xorriso', 'mkisofs']) {
    it(`--iso-backend ${backend} builds the same tree as the embedded writer`, async () => {
      const embedded = xorrisoTree(join(project, 'build', 'context.iso'));
      const r = await vmctx(['build', project, '--only', 'iso', '--iso-backend', backend], dir);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`wrote build/context\\.iso \\(${backend}`));
      assert.match(tool('isoinfo', ['-d', '-i', join(project, 'build', 'context.iso')]), /Volume id: CONTEXT/);
      const times = (l: string[]) => l.map((x) => x.replace(/ \w{3} +\d+ +(\d\d:\d\d|\d{4}) /, ' '));
      assert.deepEqual(times(xorrisoTree(join(project, 'build', 'context.iso'))), times(embedded));
      assert.ok(!readdirSync(join(project, 'build')).some((n) => n.includes('.tmp-')));
    });
  }

  it('--overlay-backend qemu-img writes the same overlay', async () => {
    const r = await vmctx(['build', project, '--only', 'overlays', '--overlay-backend', 'qemu-img', '--force'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /wrote build\/overlays\/debian3\.qcow2 \(qemu-img/);
    const info = JSON.parse(tool('qemu-img', ['info', '--output=json', join(project, 'build', 'overlays', 'debian3.qcow2')]));
    assert.equal(info['backing-filename'], 'debian-base.raw');
    assert.equal(info['backing-filename-format'], 'raw');
  });

  it('fails with a clear message when the base image is missing, and on bad usage', async () => {
    const other = join(dir, 'nobase');
    cpSync(project, other, { recursive: true });
    removeDir(join(other, 'build'));
    removeDir(join(other, 'images'));
    mkdirSync(join(other, 'images'));
    const r = await vmctx(['build', other, '--only', 'overlays'], dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /base image/);
    assert.ok(!existsSync(join(other, 'build', 'overlays', 'debian1.qcow2')));
    assert.equal((await vmctx(['build', project, '--iso-backend', 'nero'], dir)).code, 2);
  });

  it('an external tool: missing gives the setting and package; abort kills it', async () => {
    await assert.rejects(runTool({ tool: 'xorriso', command: 'no-such-xorriso', args: [], cwd: dir, parse: () => [] }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /vmContext\.tools\.xorriso.*|xorriso.*vmContext\.tools\.xorriso/);
      return true;
    });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    await assert.rejects(runTool({ tool: 'qemu-img', command: 'sleep', args: ['10'], cwd: dir, parse: () => [] }, { signal: ac.signal }), CancelledError);
    assert.ok(Date.now() - t0 < 3000);
  });
});
