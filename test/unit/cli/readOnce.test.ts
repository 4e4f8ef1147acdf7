// openProject's reader: the loader's bytes go to the check once, and those a partial build's
// check does not read (`build --only iso` of a Snooze project skips the templates) are dropped
// after it, so they do not stay in memory for the whole command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readOnce } from '../../../src/cli/openProject';
import type { FileSystem } from '../../../src/core/common/fileSystem';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { checkBeforeBuild } from '../../../src/core/validation/checkBeforeBuild';
import { defaultSettings } from '../../../src/core/settings';
import { exampleProject, testSchemas } from '../helpers/tempProject';

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
