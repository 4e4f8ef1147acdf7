// The extension's file system lists folders asynchronously (it must not block the extension
// host); the CLI's synchronously. Both must see the same entries, and the same project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { editorFileSystem, nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { loadProject } from '../../../src/core/project/load';
import { exampleProject, remove, tempDir } from '../helpers/tempProject';

test('editorFileSystem lists a folder as nodeFileSystem does (files, folders, links, a pipe), and loads the same project', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'file'), 'x');
    mkdirSync(path.join(dir, 'folder'));
    symlinkSync('file', path.join(dir, 'link'));
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    const listed = (await editorFileSystem.readDirectory(dir)).sort(byName);
    assert.deepEqual(listed, (await nodeFileSystem.readDirectory(dir)).sort(byName));
    assert.deepEqual(listed.map((e) => `${e.name}:${e.type}`).slice(0, 3), ['file:file', 'folder:directory', 'link:symlink']);
    await assert.rejects(editorFileSystem.readDirectory(path.join(dir, 'missing')), /ENOENT/);

    const shape = (p: Awaited<ReturnType<typeof loadProject>>) => JSON.stringify({ t: p.templates.map((t) => t.file), c: p.contextFiles.map((f) => f.relative), d: p.diagnostics });
    assert.equal(shape(await loadProject(editorFileSystem, exampleProject)), shape(await loadProject(nodeFileSystem, exampleProject)));
  } finally {
    remove(dir);
  }
});
