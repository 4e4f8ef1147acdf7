// openProject's reader: the loader's bytes go to the check once, and those a partial build's
// check does not read (`build --only iso` of a Snooze project skips the templates) are dropped
// after it, so they do not stay in memory for the whole command. `vmctx build` also keeps the
// folders the loader listed, for the ISO scan of the context folder: one listing per build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOnce } from '../../../src/cli/openProject';
import type { FileSystem } from '../../../src/core/common/fileSystem';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { checkBeforeBuild } from '../../../src/core/validation/checkBeforeBuild';
import { defaultSettings } from '../../../src/core/settings';
import { copyExample, exampleProject, remove, testSchemas, writeTree } from '../helpers/tempProject';
import { scanContext } from '../../../src/core/io/contextScan';
import { execFileSync } from 'node:child_process';
import { unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** nodeFileSystem counting the reads of each file from disk. */
function countingFs(): { fs: FileSystem; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const fs: FileSystem = {
    ...nodeFileSystem,
    readFile: async (file) => {
      reads.set(file, (reads.get(file) ?? 0) + 1);
      return nodeFileSystem.readFile(file);
    },
  };
  return { fs, reads };
}

test('--only iso: the check reads the context from the loader bytes, the templates it skips are released', async () => {
  const disk = countingFs();
  const { fs, read, releaseUnread } = readOnce(disk.fs);
  const project = await loadProject(fs, exampleProject);
  const templates = project.templates.map((t) => t.file);
  assert.equal(templates.length, 3);
  for (const t of templates) assert.equal(disk.reads.get(t), 1, `the loader reads ${t}`);
  const network = project.contextFiles.find((f) => f.relative === 'common/network')!.path;
  const before = disk.reads.get(network) ?? 0;
  assert.ok(before >= 1, 'the loader reads common/network');

  const pre = await checkBeforeBuild(project, read, defaultSettings, testSchemas, { action: 'build', override: '--allow-errors', scope: 'iso' });
  assert.equal(pre.proceed, true, pre.headline);
  assert.equal(pre.complete, false, 'a partial check');
  // What the check read came from the loader: no second read of common/network.
  assert.equal(disk.reads.get(network), before);
  assert.ok(!pre.results.some((r) => templates.includes(r.file)), 'the ISO check does not look at the templates');

  releaseUnread();
  // Released: a later read of a template goes to the disk again (it would get the kept bytes otherwise).
  await read(templates[0]);
  assert.equal(disk.reads.get(templates[0]), 2);
});

test('a whole check takes every kept file once; releasing after it re-reads nothing', async () => {
  const disk = countingFs();
  const { fs, read, releaseUnread } = readOnce(disk.fs);
  const project = await loadProject(fs, exampleProject);
  const loaded = new Map(disk.reads);
  await checkBeforeBuild(project, read, defaultSettings, testSchemas, { action: 'build', override: '--allow-errors' });
  releaseUnread();
  for (const t of project.templates) assert.equal(disk.reads.get(t.file), loaded.get(t.file), `${t.file} read again`);
});

test('vmctx build: the ISO scan takes the loader\'s listing of each context folder, once, and reports as a scan of its own', async () => {
  const dir = copyExample();
  try {
    const context = path.join(dir, 'context');
    writeTree(context, { 'data/b.txt': 'b', 'data/a-b/c.txt': 'c', 'data/a/d.txt': 'd' });
    // A name that is not UTF-8 (left out with iso-name-encoding) and a named pipe (iso-special-file).
    writeFileSync(Buffer.concat([Buffer.from(`${context}/data/`), Buffer.from([0x66, 0xff, 0x2e, 0x74])]), 'x');
    execFileSync('mkfifo', [path.join(context, 'data', 'pipe')]);
    const { fs, listed } = readOnce(nodeFileSystem, undefined, true);
    const project = await loadProject(fs, dir);
    const asked: string[] = [];
    const taken = new Set<string>();
    const counted = (folder: string) => {
      asked.push(folder);
      const entries = listed(folder);
      if (entries) taken.add(folder);
      return entries;
    };
    const shared = await scanContext(project.contextDir, undefined, counted);
    const own = await scanContext(project.contextDir);
    // Every folder of the context was listed by the loader and given to the scan.
    const folders = [context, ...own.entries.filter((e) => e.kind === 'dir').map((e) => e.abs)].sort();
    assert.deepEqual([...asked].sort(), folders);
    assert.deepEqual([...taken].sort(), folders);
    // Given once: a second scan would list for itself.
    assert.equal(listed(context), undefined);
    assert.deepEqual(shared.entries, own.entries);
    assert.deepEqual(shared.problems, own.problems);
    assert.deepEqual(shared.root, own.root);
    assert.deepEqual(own.problems.map((p) => p.code).sort(), ['iso-name-encoding', 'iso-special-file']);
  } finally {
    remove(dir);
  }
});

test('the scan lists the names it is given: a name listed by the loader and gone since is said, not skipped', async () => {
  const dir = copyExample();
  try {
    const context = path.join(dir, 'context');
    const gone = path.join(context, 'gone.txt');
    writeFileSync(gone, 'soon gone');
    const { fs, listed } = readOnce(nodeFileSystem, undefined, true);
    await loadProject(fs, dir);
    unlinkSync(gone);
    const scan = await scanContext(context, undefined, listed);
    assert.deepEqual(scan.problems.map((p) => [p.path, p.code]), [['gone.txt', 'iso-unreadable']]);
  } finally {
    remove(dir);
  }
});

test('without keepListings (vmctx check, deploy) nothing is kept', async () => {
  const { fs, listed } = readOnce(nodeFileSystem);
  const project = await loadProject(fs, exampleProject);
  assert.equal(listed(project.contextDir), undefined);
});
