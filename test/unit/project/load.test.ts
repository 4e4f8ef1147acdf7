import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { utimesSync, writeFileSync, symlinkSync } from 'node:fs';
import type { FileSystem } from '../../../src/core/common/fileSystem';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { ProjectLoader, loadProject } from '../../../src/core/project/load';
import { findContextProjects, isContextProject, projectOf } from '../../../src/core/project/discover';
import { exampleProject, remove, tempDir, writeTree } from '../helpers/tempProject';

const domain = (name: string, disk = `/opt/cloud/${name}.qcow2`) =>
  `<domain type='kvm'><name>${name}</name><devices><disk type='file' device='disk'><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>` +
  `<interface type='bridge'><mac address='00:16:c0:a8:7a:11'/><source bridge='br0'/></interface></devices></domain>`;

test('the example project is described with its Snooze defaults and manifest', async () => {
  const p = await loadProject(nodeFileSystem, exampleProject);
  assert.equal(p.root, exampleProject);
  assert.equal(p.contextDir, path.join(exampleProject, 'context'));
  assert.ok(p.contextDirExists);
  assert.deepEqual(
    p.contextFiles.map((f) => [f.relative, f.role]),
    [
      ['common/network', 'network'],
      ['common/routes', 'routes'],
      ['post-install', 'post-install'],
    ],
  );
  assert.deepEqual(p.templates.map((t) => t.name?.value), ['debian1', 'debian2', 'debian3']);
  assert.equal(p.templates[0].interfaces[0].mac?.value, '00:16:c0:a8:7a:11');
  assert.deepEqual(p.templates[0].disks.map((d) => [d.device, d.bus?.value]), [
    ['disk', 'virtio'],
    ['cdrom', 'sata'],
  ]);
  assert.equal(p.output.iso, path.join(exampleProject, 'build/context.iso'));
  assert.equal(p.remote.directory, '/opt/cloud');
  assert.equal(p.remote.bridge, 'virbr0');
  assert.equal(p.isoLabel, 'CONTEXT');
  assert.equal(p.addressing, 'mac');
  assert.equal(p.baseImage?.path, path.join(exampleProject, 'images/debian-base.raw'));
  assert.deepEqual(p.diagnostics, []);
});

test('without a manifest: templates anywhere but build/, node_modules/ and dot-folders; the single image in images/', async () => {
  const dir = writeTree(tempDir(), {
    'context/post-install': '#!/bin/sh\n',
    'a.xml': domain('a'),
    'vms/b.xml': domain('b', '/srv/x/b.qcow2'),
    'vms/c.xml': domain('c', '/srv/x/c.qcow2'),
    'vms/notes.xml': '<?xml version="1.0"?>\n<!-- not a VM -->\n<notes/>',
    'build/d.xml': domain('d'),
    'node_modules/e.xml': domain('e'),
    '.git/f.xml': domain('f'),
    'context/g.xml': domain('g'),
    'images/base.qcow2': Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]),
  });
  try {
    const p = await loadProject(nodeFileSystem, dir);
    assert.deepEqual(p.templates.map((t) => path.relative(dir, t.file)).sort(), ['a.xml', 'vms/b.xml', 'vms/c.xml']);
    assert.equal(p.remote.directory, '/srv/x', 'the most common disk folder');
    assert.equal(p.baseImage?.format, 'qcow2');
    assert.equal(p.manifestPath, undefined);
  } finally {
    remove(dir);
  }
});

test('manifest globs select templates; manifest errors are diagnostics on vmcontext.json', async () => {
  const dir = writeTree(tempDir(), {
    'vmcontext.json': '{ "templates": ["vms/*.xml"], "isoLabel": 7 }',
    'context/post-install': '#!/bin/sh\n',
    'a.xml': domain('a'),
    'vms/b.xml': domain('b'),
  });
  try {
    const p = await loadProject(nodeFileSystem, dir);
    assert.deepEqual(p.templates.map((t) => t.name?.value), ['b']);
    assert.equal(p.diagnostics.length, 1);
    assert.equal(p.diagnostics[0].file, path.join(dir, 'vmcontext.json'));
    assert.equal(p.diagnostics[0].diagnostic.code, 'manifest-invalid');
    assert.equal(p.isoLabel, 'CONTEXT', 'an invalid value falls back to the default');
  } finally {
    remove(dir);
  }
});

test('several images without a manifest entry is a warning, not a guess', async () => {
  const dir = writeTree(tempDir(), { 'context/post-install': '', 'images/a.raw': '', 'images/b.img': '' });
  try {
    const p = await loadProject(nodeFileSystem, dir);
    assert.equal(p.baseImage, undefined);
    assert.equal(p.diagnostics[0].diagnostic.code, 'project-base-image-ambiguous');
    assert.deepEqual(p.images, [path.join(dir, 'images/a.raw'), path.join(dir, 'images/b.img')], 'the model lists them (the New VM form offers them)');
  } finally {
    remove(dir);
  }
});

test('unreadable files and folders are reported, not thrown', async () => {
  const dir = writeTree(tempDir(), { 'context/post-install': '', 'vms/a.xml': domain('a'), 'vms/b.xml': domain('b'), 'locked/c.xml': domain('c') });
  // A file system that refuses one file and one folder, as permissions would for a user.
  const refusing: FileSystem = {
    ...nodeFileSystem,
    readHead: (p, n) => (p.endsWith('a.xml') ? Promise.reject(new Error('EACCES: permission denied')) : nodeFileSystem.readHead(p, n)),
    readFile: (p) => (p.endsWith('a.xml') ? Promise.reject(new Error('EACCES: permission denied')) : nodeFileSystem.readFile(p)),
    readDirectory: (p) => (p.endsWith('locked') ? Promise.reject(new Error('EACCES: permission denied')) : nodeFileSystem.readDirectory(p)),
  };
  try {
    const p = await loadProject(refusing, dir);
    assert.deepEqual(p.templates.map((t) => t.name?.value), ['b']);
    const problems = p.diagnostics.map((d) => [path.relative(dir, d.file), d.diagnostic.code, d.diagnostic.message.includes('permission denied')]);
    assert.deepEqual(problems.sort(), [
      ['locked', 'project-unreadable', true],
      ['vms/a.xml', 'project-unreadable', true],
    ]);
  } finally {
    remove(dir);
  }
});

test('a broken symlink and a file that is not XML are reported or ignored without throwing', async () => {
  const dir = writeTree(tempDir(), { 'context/post-install': '', 'junk.xml': '\u0000\u0001binary', 'vms/a.xml': domain('a') });
  symlinkSync(path.join(dir, 'missing.xml'), path.join(dir, 'dangling.xml'));
  try {
    const p = await loadProject(nodeFileSystem, dir);
    assert.deepEqual(p.templates.map((t) => t.name?.value), ['a']);
  } finally {
    remove(dir);
  }
});

test('a reload re-parses only the files that changed', async () => {
  const dir = writeTree(tempDir(), { 'context/post-install': '', 'a.xml': domain('a'), 'b.xml': domain('b') });
  try {
    const loader = new ProjectLoader(nodeFileSystem);
    const first = await loader.load(dir);
    writeFileSync(path.join(dir, 'b.xml'), domain('b2'));
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, 'b.xml'), later, later);
    const second = await loader.load(dir);
    assert.equal(second.templates[0], first.templates[0], 'unchanged template object reused');
    assert.notEqual(second.templates[1], first.templates[1]);
    assert.equal(second.templates[1].name?.value, 'b2');
  } finally {
    remove(dir);
  }
});

test('a read begun before an invalidation is not cached: the next load reads the file again', async () => {
  // The editor's reloads overlap when a file changes during one: the older load may read the old
  // bytes, stat unchanged (same size, mtime set back), and must not leave them for the next load.
  const dir = writeTree(tempDir(), { 'context/post-install': '', 'a.xml': domain('a') });
  const file = path.join(dir, 'a.xml');
  utimesSync(file, 1e9, 1e9); // whole seconds: set back exactly below
  try {
    let release: (() => void) | undefined;
    let readOld: (() => void) | undefined;
    const oldRead = new Promise<void>((resolve) => (readOld = resolve));
    const gated: FileSystem = {
      ...nodeFileSystem,
      readFile: async (p) => {
        const bytes = await nodeFileSystem.readFile(p);
        if (p === file && release === undefined) {
          const held = new Promise<void>((resolve) => (release = resolve));
          readOld!();
          await held;
        }
        return bytes;
      },
    };
    const loader = new ProjectLoader(gated);
    const older = loader.load(dir);
    await oldRead; // the old bytes are in hand; the load waits
    writeFileSync(file, domain('z'));
    utimesSync(file, 1e9, 1e9);
    loader.invalidate(file);
    release!();
    assert.equal((await older).templates[0].name?.value, 'a', 'the older load read the old bytes');
    assert.equal((await loader.load(dir)).templates[0].name?.value, 'z');
  } finally {
    remove(dir);
  }
});

test('projects are discovered below a workspace folder', async () => {
  const ws = writeTree(tempDir(), {
    'one/context/post-install': '',
    'two/vmcontext.json': '{}',
    'three/context/common/network': 'NETWORK=10.0.0.0',
    'not/context/readme': '',
    'node_modules/x/context/post-install': '',
  });
  try {
    const found = (await findContextProjects(nodeFileSystem, ws)).map((p) => path.relative(ws, p));
    assert.deepEqual(found, ['one', 'three', 'two']);
    assert.equal(await isContextProject(nodeFileSystem, path.join(ws, 'not')), false);
    assert.equal(projectOf([path.join(ws, 'one')], path.join(ws, 'one/context/post-install')), path.join(ws, 'one'));
    assert.equal(projectOf([path.join(ws, 'one')], path.join(ws, 'onex/file')), undefined);
  } finally {
    remove(ws);
  }
});
