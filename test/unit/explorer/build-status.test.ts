// The explorer and the build agree: the tree shows a plan of the real build that is never run.
// On a copy of the example project, with real files, qemu-io and isoinfo.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build, planBuild } from '../../../src/core/build/buildEngine';
import { readBuildStatus } from '../../../src/core/build/buildStatus';
import { buildInputsFromProject } from '../../../src/core/build/buildInputs';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { summarizeProject, type SummaryNode } from '../../../src/core/project/summary';
import type { BuildResult } from '../../../src/core/build/buildPlan';
import { exampleProject, remove, tempDir } from '../helpers/tempProject';
import { tool } from '../image/helpers';

const find = (n: SummaryNode, id: string): SummaryNode | undefined => (n.id === id ? n : n.children?.map((c) => find(c, id)).find((x) => x));
const env = { SOURCE_DATE_EPOCH: '1700000000' };

describe('the explorer says what the build does', () => {
  let dir: string;
  let root: string;
  const iso = () => path.join(root, 'build', 'context.iso');
  const overlay = (vm: string) => path.join(root, 'build', 'overlays', `${vm}.qcow2`);
  const project = () => loadProject(nodeFileSystem, root);
  const status = async (e: Record<string, string | undefined> = env) => readBuildStatus(await project(), { env: e });
  const tree = async (e: Record<string, string | undefined> = env) => {
    const p = await project();
    return summarizeProject(p, await readBuildStatus(p, { env: e }));
  };
  const runBuild = async (e: Record<string, string | undefined> = env, only?: 'iso' | 'overlays'): Promise<BuildResult> =>
    build(buildInputsFromProject(await project()), { env: e, only });
  const skippedReason = (r: BuildResult, output: string) => r.skipped.find((s) => s.output === output)?.reason;
  const written = (r: BuildResult) => r.outcomes.filter((o) => o.ok).map((o) => path.relative(root, o.output));

  before(() => {
    dir = tempDir('vmctx-explorer-');
    root = path.join(dir, 'snooze');
    cpSync(exampleProject, root, { recursive: true, filter: (s) => !s.includes(`${path.sep}build`) && !s.endsWith('debian-base.raw') });
    writeFileSync(path.join(root, 'images', 'debian-base.raw'), '');
    truncateSync(path.join(root, 'images', 'debian-base.raw'), 64 << 20);
  });
  after(() => remove(dir));

  it('before a build: not built, no overlays; the base image as the build probes it', async () => {
    const s = await status();
    assert.equal(s.iso?.state, 'missing');
    assert.deepEqual(s.overlays.map((o) => [o.vm, o.status.condition]), [['debian1', 'missing'], ['debian2', 'missing'], ['debian3', 'missing']]);
    assert.deepEqual(s.baseImage, { format: 'raw', virtualSize: 64 << 20 });
    const t = await tree();
    assert.equal(find(t, `${root}#iso`)!.description, 'not built');
    assert.equal(find(t, `${root}#overlays`)!.description, '0 of 3 built');
    assert.equal(find(t, `${root}#baseImage`)!.description, 'raw · 64 MiB virtual');
    // Asking does not write: no build record, no outputs.
    assert.throws(() => statSync(path.join(root, 'build')));
  });

  it('after a build: up to date, overlays empty, the label read back from the image', async () => {
    const r = await runBuild();
    assert.ok(r.ok, JSON.stringify(r.problems));
    assert.match(tool('isoinfo', ['-d', '-i', iso()]), /Volume id: CONTEXT/);
    const s = await status();
    assert.deepEqual([s.iso?.state, s.iso?.label, s.iso?.size], ['fresh', 'CONTEXT', statSync(iso()).size]);
    assert.ok(s.overlays.every((o) => o.status.condition === 'empty' && o.status.reason === 'up to date (empty, same base)'));
    const t = await tree();
    assert.match(find(t, `${root}#iso`)!.description!, /^up to date · \d+ KiB · CONTEXT$/);
    assert.equal(find(t, `${root}#iso`)!.tone, 'ok');
    assert.equal(find(t, `${root}#overlays`)!.description, '3 of 3 built');
    assert.match(find(t, `${root}#overlay:debian1`)!.description!, /^overlay empty · \d+ KiB$/);
  });

  it('a touch without a change: the explorer says up to date and the build skips', async () => {
    const post = path.join(root, 'context', 'post-install');
    const later = Date.now() / 1000 + 60;
    utimesSync(post, later, later);
    const s = await status();
    assert.equal(s.iso?.state, 'fresh', s.iso?.reason);
    assert.equal(find(await tree(), `${root}#iso`)!.description!.split(' · ')[0], 'up to date');
    const before = statSync(iso()).mtimeMs;
    const r = await runBuild(env, 'iso');
    assert.deepEqual(written(r), []);
    assert.match(skippedReason(r, iso())!, /^up to date/);
    assert.equal(statSync(iso()).mtimeMs, before);
    assert.equal((await status()).iso?.state, 'fresh');
  });

  it('without SOURCE_DATE_EPOCH the image carries the newest file time: then a touch makes both say stale', async () => {
    const noEpoch = { PATH: process.env.PATH };
    assert.deepEqual(written(await runBuild(noEpoch, 'iso')), ['build/context.iso']);
    assert.equal((await status(noEpoch)).iso?.state, 'fresh');
    const later = Date.now() / 1000 + 120;
    utimesSync(path.join(root, 'context', 'common', 'routes'), later, later);
    const s = await status(noEpoch);
    assert.deepEqual([s.iso?.state, s.iso?.reason], ['stale', 'the context or the options changed']);
    const plan = await planBuild(buildInputsFromProject(await project()), { env: noEpoch, only: 'iso' });
    assert.deepEqual(plan.steps.map((x) => [x.kind, x.reason]), [['iso', 'the context or the options changed']]);
  });

  it('a real change, or an image changed outside the build: both say stale, the build rewrites', async () => {
    const post = path.join(root, 'context', 'post-install');
    writeFileSync(post, readFileSync(post, 'utf8') + '# changed\n');
    const t = await tree();
    assert.equal(find(t, `${root}#iso`)!.description!.split(' · ')[0], 'stale');
    assert.match(find(t, `${root}#iso`)!.tooltip!, /the context or the options changed/);
    assert.equal(find(t, `${root}#iso`)!.tone, 'warning');
    assert.deepEqual(written(await runBuild(env, 'iso')), ['build/context.iso']);
    assert.equal((await status()).iso?.state, 'fresh');

    appendFileSync(iso(), Buffer.alloc(2048));
    assert.deepEqual([(await status()).iso?.state, (await status()).iso?.reason], ['stale', 'the image was changed outside the build']);
    assert.deepEqual(written(await runBuild(env, 'iso')), ['build/context.iso']);
    assert.equal((await status()).iso?.state, 'fresh');
  });

  it('an overlay that holds data: both say so, and the build leaves it alone', async () => {
    // As on the hosts, the base sits beside the overlays, so qemu-io can open the chain.
    symlinkSync(path.join(root, 'images', 'debian-base.raw'), path.join(root, 'build', 'overlays', 'debian-base.raw'));
    tool('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 64k', overlay('debian2')]);
    const s = (await status()).overlays.find((o) => o.vm === 'debian2')!.status;
    assert.deepEqual([s.condition, s.holds], ['data', 'data (1 allocated L1 entry)']);
    const r = await runBuild(env, 'overlays');
    assert.deepEqual(written(r), []);
    assert.equal(skippedReason(r, overlay('debian2')), s.reason);
    assert.match(s.reason, /holds the VM's data .*--force/);
    const t = await tree();
    assert.match(find(t, `${root}#overlay:debian2`)!.description!, /^overlay holds data · \d+ KiB$/);
    assert.match(find(t, `${root}#overlay:debian2`)!.tooltip!, /holds the VM's data/);
    assert.equal(find(t, `${root}#overlay:debian2`)!.tone, 'ok');
    const vm = find(t, `${root}#vm:${path.join(root, 'templates', 'debian2.xml')}`)!;
    assert.match(vm.description!, /overlay holds data/);
  });

  it('a base image of another size: empty overlays out of date (rewritten), the one with data kept', async () => {
    truncateSync(path.join(root, 'images', 'debian-base.raw'), 128 << 20);
    const s = await status();
    const of = (vm: string) => s.overlays.find((o) => o.vm === vm)!.status;
    assert.equal(of('debian1').condition, 'outdated');
    assert.deepEqual(of('debian1').differences, [`virtual size ${64 << 20} instead of ${128 << 20}`]);
    assert.deepEqual([of('debian2').condition, of('debian2').holds], ['outdated', 'data (1 allocated L1 entry)']);
    assert.equal(find(await tree(), `${root}#overlays`)!.description, '3 of 3 built · 3 out of date');
    const r = await runBuild(env, 'overlays');
    assert.deepEqual(written(r).sort(), ['build/overlays/debian1.qcow2', 'build/overlays/debian3.qcow2']);
    assert.equal(skippedReason(r, overlay('debian2')), of('debian2').reason);
    assert.deepEqual((await status()).overlays.map((o) => o.status.condition), ['empty', 'outdated', 'empty']);
  });

  it('a file that is no qcow2 image, and no base image: what the files say', async () => {
    writeFileSync(overlay('debian3'), 'not an image');
    remove(path.join(root, 'images', 'debian-base.raw'));
    const s = await status();
    assert.equal(s.baseImage, undefined);
    assert.deepEqual(s.overlays.map((o) => o.status.condition), ['empty', 'data', 'invalid']);
    const t = await tree();
    assert.equal(find(t, `${root}#overlay:debian3`)!.description, 'overlay unreadable · 12 B');
    assert.equal(find(t, `${root}#baseImage`)!.description, 'missing');
  });
});
