import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { COPIED_FROM_EXAMPLE, FIRST_VM, exampleFiles, existingFiles, scaffoldProject } from '../../../src/core/project/scaffold';
import { loadProject } from '../../../src/core/project/load';
import { parseManifest } from '../../../src/core/project/manifest';
import { exampleProject, remove, tempDir, writeTree } from '../helpers/tempProject';

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

test('a new project copies the example context and scripts and writes manifest and one template', async () => {
  const files = await scaffoldProject(nodeFileSystem, exampleProject, { uuid: '11111111-2222-4333-8444-555555555555', bridge: 'br0', isoLabel: 'CONTEXT' });
  const byPath = new Map(files.map((f) => [f.relative, f]));
  for (const rel of COPIED_FROM_EXAMPLE) {
    assert.equal(decode(byPath.get(rel)!.content), readFileSync(path.join(exampleProject, rel), 'utf8'), rel);
  }
  assert.equal(byPath.get('context/post-install')!.mode, 0o755);
  const manifest = parseManifest(decode(byPath.get('vmcontext.json')!.content));
  assert.deepEqual(manifest.diagnostics, []);
  assert.equal(manifest.manifest.remote?.bridge, 'br0');
  assert.ok(decode(byPath.get(`templates/${FIRST_VM.name}.xml`)!.content).includes('<mac address="00:16:c0:a8:7a:11"/>'));

  // Written out, it loads as a project with one VM.
  const dir = tempDir();
  try {
    writeTree(dir, Object.fromEntries(files.map((f) => [f.relative, f.content])));
    const p = await loadProject(nodeFileSystem, dir);
    assert.deepEqual(p.templates.map((t) => t.name?.value), ['vm1']);
    assert.deepEqual(p.diagnostics, []);
    assert.deepEqual(await existingFiles(nodeFileSystem, dir, files.slice(0, 2)), files.slice(0, 2).map((f) => f.relative));
  } finally {
    remove(dir);
  }
});

test('Open Example copies the example without built output and without the repository $schema', async () => {
  const dir = tempDir();
  try {
    writeTree(dir, { 'vmcontext.json': '{\n  "$schema": "../x.json",\n  "contextDir": "context"\n}\n', 'context/post-install': '#!/bin/sh\n', 'build/context.iso': 'x', 'images/a.raw': 'x' });
    const files = await exampleFiles(nodeFileSystem, dir);
    assert.deepEqual(files.map((f) => f.relative), ['context/post-install', 'vmcontext.json']);
    assert.equal(decode(files[1].content), '{\n  "contextDir": "context"\n}\n');
    assert.equal(files[0].mode, 0o755);
  } finally {
    remove(dir);
  }
});

test('setting the base image keeps the manifest as written', async () => {
  const { setManifestBaseImage } = await import('../../../src/core/project/manifestEdit');
  assert.equal(setManifestBaseImage(undefined, 'images/a.qcow2'), '{\n  "baseImage": "images/a.qcow2"\n}\n');
  assert.equal(setManifestBaseImage('{\n  // mine\n  "baseImage": "images/b.raw"\n}\n', 'images/a.qcow2'), '{\n  // mine\n  "baseImage": "images/a.qcow2"\n}\n');
  assert.match(setManifestBaseImage('{\n  "isoLabel": "X"\n}\n', 'i.raw'), /"isoLabel": "X",\n\s+"baseImage": "i.raw"/);
});
