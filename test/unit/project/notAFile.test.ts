// Where the project expects a file (vmcontext.json, templates, the guest's files, a NoCloud
// seed's files) and finds a folder, a named pipe, a socket or a link to nothing: an error or a
// warning on that path, never "absent" nor silently skipped, and a pipe is never opened (it
// would block for good). The context folder's odd entries are said by the check in the build
// scan's own codes and words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { ProjectLoader, loadProject } from '../../../src/core/project/load';
import { checkedFiles } from '../../../src/core/validation/checkProject';
import { projectChecks } from '../../../src/core/validation/project/projectChecks';
import { isContextProject } from '../../../src/core/project/discover';
import { scanContext } from '../../../src/core/io/contextScan';
import { inspectOverlay, probeBaseImage } from '../../../src/core/io/overlayFile';
import type { ContextProject } from '../../../src/core/project/project';
import { remove, tempDir, writeTree } from '../helpers/tempProject';

const domain = (name: string) => `<domain type='kvm'><name>${name}</name><devices/></domain>`;
const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

/** [path relative to the project, code, severity, message] of each problem the loader found. */
const problems = (p: ContextProject) =>
  p.diagnostics.map((d) => [path.relative(p.root, d.file), d.diagnostic.code, d.diagnostic.severity, d.diagnostic.message]).sort((a, b) => (a[0] < b[0] ? -1 : 1));

test('vmcontext.json that is a folder, a named pipe or a link to nothing is an error on it, not "no manifest"; a link to a file is read', async () => {
  const dir = tempDir();
  try {
    const cases: Array<[string, (m: string) => void, string]> = [
      ['folder', (m) => mkdirSync(m), 'a folder'],
      ['pipe', mkfifo, 'a named pipe'],
      ['dangling', (m) => symlinkSync('gone.json', m), 'a symbolic link to "gone.json", which does not exist'],
      ['loop', (m) => symlinkSync('vmcontext.json', m), 'a symbolic link to "vmcontext.json", which leads back to itself (a loop of links)'],
      ['to-folder', (m) => symlinkSync('.', m), 'a symbolic link to a folder'],
    ];
    for (const [name, make, what] of cases) {
      const root = writeTree(path.join(dir, name), { 'context/post-install': '#!/bin/sh\n' });
      make(path.join(root, 'vmcontext.json'));
      const p = await loadProject(nodeFileSystem, root);
      assert.equal(p.manifestPath, undefined, name);
      assert.deepEqual(problems(p), [
        [
          'vmcontext.json',
          'project-not-a-file',
          'error',
          `vmcontext.json is not a file but ${what}: the project's settings cannot be read from it, so nothing can be built as they say; make it a file (or remove it to use the defaults)`,
        ],
      ]);
    }
    const linked = writeTree(path.join(dir, 'linked'), { 'context/post-install': '#!/bin/sh\n', 'settings.json': '{"isoLabel": "LINKED"}' });
    symlinkSync('settings.json', path.join(linked, 'vmcontext.json'));
    const p = await loadProject(nodeFileSystem, linked);
    assert.equal(p.isoLabel, 'LINKED');
    assert.deepEqual(problems(p), []);
  } finally {
    remove(dir);
  }
});

test('a folder, pipe or link to nothing where templates are looked for: an error when the manifest names it, a warning when only *.xml found it; a link to a template is one', async () => {
  const dir = tempDir();
  try {
    for (const named of [true, false]) {
      const root = writeTree(path.join(dir, String(named)), {
        'context/post-install': '#!/bin/sh\n',
        'templates/a.xml': domain('a'),
        'elsewhere/b.xml': domain('b'),
        ...(named ? { 'vmcontext.json': '{"templates": ["templates/*.xml"]}' } : {}),
      });
      const t = path.join(root, 'templates');
      mkdirSync(path.join(t, 'folder.xml'));
      writeFileSync(path.join(t, 'folder.xml', 'c.xml'), domain('c')); // still found inside it
      mkfifo(path.join(t, 'pipe.xml'));
      symlinkSync('gone.xml', path.join(t, 'dangling.xml'));
      symlinkSync('loop.xml', path.join(t, 'loop.xml'));
      symlinkSync('../elsewhere/b.xml', path.join(t, 'b.xml'));
      const p = await loadProject(nodeFileSystem, root);
      const severity = named ? 'error' : 'warning';
      const why = `not checked, built or deployed (virsh define reads a file)${named ? ' (the manifest\'s "templates" name it)' : ''}`;
      assert.deepEqual(problems(p), [
        ['templates/dangling.xml', 'project-not-a-file', severity, `templates/dangling.xml is not a file but a symbolic link to "gone.xml", which does not exist: ${why}`],
        ['templates/folder.xml', 'project-not-a-file', severity, `templates/folder.xml is not a file but a folder: ${why}`],
        ['templates/loop.xml', 'project-not-a-file', severity, `templates/loop.xml is not a file but a symbolic link to "loop.xml", which leads back to itself (a loop of links): ${why}`],
        ['templates/pipe.xml', 'project-not-a-file', severity, `templates/pipe.xml is not a file but a named pipe: ${why}`],
      ]);
      const found = p.templates.map((x) => path.relative(root, x.file)).sort();
      assert.deepEqual(found, named ? ['templates/a.xml', 'templates/b.xml'] : ['elsewhere/b.xml', 'templates/a.xml', 'templates/b.xml', 'templates/folder.xml/c.xml']);
    }
    // A glob that names folders too (vms/**): only a folder named like a template file is one to report.
    const globbed = writeTree(path.join(dir, 'globbed'), { 'context/post-install': '', 'vmcontext.json': '{"templates": ["vms/**"]}', 'vms/web/a.xml': domain('a') });
    const g = await loadProject(nodeFileSystem, globbed);
    assert.deepEqual(problems(g), []);
    assert.deepEqual(g.templates.map((x) => x.name?.value), ['a']);
  } finally {
    remove(dir);
  }
});

test('a linked template is reloaded when the file it leads to changes (its size and time, not the link\'s)', async () => {
  const dir = writeTree(tempDir(), { 'context/post-install': '', 'real/a.xml': domain('a') });
  try {
    symlinkSync('real/a.xml', path.join(dir, 'a.xml'));
    const loader = new ProjectLoader(nodeFileSystem);
    assert.deepEqual((await loader.load(dir)).templates.map((t) => t.name?.value), ['a', 'a']);
    writeFileSync(path.join(dir, 'real/a.xml'), domain('a-renamed'));
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, 'real/a.xml'), later, later);
    assert.deepEqual((await loader.load(dir)).templates.map((t) => t.name?.value).sort(), ['a-renamed', 'a-renamed']);
  } finally {
    remove(dir);
  }
});

test('the context folder: check says what the build scan says (pipes, sockets, links outside, links to nothing); the guest\'s own files must be files', async () => {
  const dir = writeTree(tempDir(), { 'context/post-install': '#!/bin/sh\n', 'context/data/file': 'x' });
  try {
    const ctx = path.join(dir, 'context');
    mkfifo(path.join(ctx, 'fifo'));
    symlinkSync('loop-b', path.join(ctx, 'loop-a'));
    symlinkSync('loop-a', path.join(ctx, 'loop-b'));
    symlinkSync('data/missing', path.join(ctx, 'dangling'));
    symlinkSync('/etc/hostname', path.join(ctx, 'outside'));
    symlinkSync('data/file', path.join(ctx, 'fine'));
    symlinkSync('data', path.join(ctx, 'folder-link'));
    mkdirSync(path.join(ctx, 'common'));
    mkfifo(path.join(ctx, 'common/network'));
    symlinkSync('nowhere', path.join(ctx, 'common/routes'));
    const p = await loadProject(nodeFileSystem, dir);
    const scan = await scanContext(ctx);
    const fromScan = scan.problems.map((x) => [`context/${x.path}`, x.code, x.severity, x.message]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const fromCheck = problems(p).filter(([file]) => !String(file).startsWith('context/common/'));
    assert.deepEqual(fromCheck, fromScan.filter(([file]) => !String(file).startsWith('context/common/')));
    assert.deepEqual(
      fromCheck.map(([file, code]) => `${file} ${code}`),
      ['context/dangling iso-symlink-broken', 'context/fifo iso-special-file', 'context/loop-a iso-symlink-broken', 'context/loop-b iso-symlink-broken', 'context/outside iso-symlink-outside'],
    );
    assert.deepEqual(problems(p).filter(([file]) => String(file).startsWith('context/common/')), [
      ['context/common/network', 'project-not-a-file', 'error', 'common/network is not a file but a named pipe: the guest cannot read it from the CD-ROM; make it a file'],
      ['context/common/routes', 'project-not-a-file', 'error', 'common/routes is not a file but a symbolic link to "nowhere", which does not exist: the guest cannot read it from the CD-ROM; make it a file'],
    ]);
    // Nothing that is not a file is handed to the validators to read (a pipe would block).
    assert.deepEqual(checkedFiles(p).map((f) => path.relative(dir, f)), ['context/post-install']);
  } finally {
    remove(dir);
  }
});

test('a guest file that links outside the context folder is an error: the image leaves it out, so the guest would have none', async () => {
  const dir = writeTree(tempDir(), { 'context/common/network': 'NETWORK=192.168.122.0\n', 'elsewhere/post-install': '#!/bin/sh\n' });
  try {
    symlinkSync(path.join(dir, 'elsewhere/post-install'), path.join(dir, 'context/post-install'));
    const p = await loadProject(nodeFileSystem, dir);
    assert.deepEqual(problems(p).filter(([file]) => file === 'context/post-install'), [
      ['context/post-install', 'project-not-a-file', 'error', `post-install is not a file but a symbolic link to "${path.join(dir, 'elsewhere/post-install')}", outside the context folder, which the image leaves out: the guest cannot read it from the CD-ROM; make it a file`],
    ]);
    assert.ok(!checkedFiles(p).some((f) => f.endsWith('post-install')), 'not read as the guest\'s script');
  } finally {
    remove(dir);
  }
});

test('NoCloud: user-data, meta-data or network-config that is a pipe, a folder or a link to nothing is an error on it and is not read; a link to a file is one', async () => {
  const dir = writeTree(tempDir(), {
    'vmcontext.json': '{"flavor": "nocloud"}',
    'templates/web1.xml': domain('web1'),
    'templates/web2.xml': domain('web2'),
    'common-user-data': '#cloud-config\n',
  });
  try {
    const ci = path.join(dir, 'cloud-init');
    mkdirSync(path.join(ci, 'web1'), { recursive: true });
    mkdirSync(path.join(ci, 'web2'));
    symlinkSync('../common-user-data', path.join(ci, 'user-data'));
    mkfifo(path.join(ci, 'web1/meta-data'));
    mkdirSync(path.join(ci, 'web1/network-config'));
    symlinkSync('gone', path.join(ci, 'web2/meta-data'));
    mkdirSync(path.join(ci, 'network-config'));
    const p = await loadProject(nodeFileSystem, dir);
    const why = 'cloud-init cannot read it, and no seed can be built with it; make it a file';
    assert.deepEqual(problems(p), [
      ['cloud-init/network-config', 'project-not-a-file', 'error', `network-config is not a file but a folder: ${why}`],
      ['cloud-init/web1/meta-data', 'project-not-a-file', 'error', `web1/meta-data is not a file but a named pipe: ${why}`],
      ['cloud-init/web1/network-config', 'project-not-a-file', 'error', `web1/network-config is not a file but a folder: ${why}`],
      ['cloud-init/web2/meta-data', 'project-not-a-file', 'error', `web2/meta-data is not a file but a symbolic link to "gone", which does not exist: ${why}`],
    ]);
    assert.deepEqual(p.cloudInit?.files.map((f) => path.relative(dir, f.path)), ['cloud-init/user-data']);
    assert.deepEqual(p.cloudInit?.others, []);
  } finally {
    remove(dir);
  }
});

test('a linked context/ or cloud-init/ folder is that folder (the build reads through the link); something else in its place is said, not "does not exist"', async () => {
  const dir = tempDir();
  try {
    const linked = writeTree(path.join(dir, 'linked'), { 'elsewhere/post-install': '#!/bin/sh\r\n' });
    symlinkSync('elsewhere', path.join(linked, 'context'));
    assert.ok(await isContextProject(nodeFileSystem, linked));
    const p = await loadProject(nodeFileSystem, linked);
    assert.ok(p.contextDirExists);
    assert.deepEqual(p.contextFiles.map((f) => f.relative), ['post-install']);
    assert.deepEqual(checkedFiles(p).map((f) => path.relative(linked, f)), ['context/post-install']);

    const nocloud = writeTree(path.join(dir, 'nocloud'), { 'vmcontext.json': '{"flavor": "nocloud"}', 'seed/user-data': '#cloud-config\n' });
    symlinkSync('seed', path.join(nocloud, 'cloud-init'));
    const n = await loadProject(nodeFileSystem, nocloud);
    assert.ok(n.cloudInit?.dirExists);
    assert.deepEqual(n.cloudInit?.files.map((f) => f.kind), ['user-data']);

    const piped = writeTree(path.join(dir, 'piped'), { 'vmcontext.json': '{}' });
    mkfifo(path.join(piped, 'context'));
    const q = await loadProject(nodeFileSystem, piped);
    const said = projectChecks(q).flatMap((f) => f.diagnostics.map((d) => `${d.code}: ${d.message}`));
    assert.deepEqual(said, ['context-missing: the context folder context/ is not a folder but a named pipe: create it with a post-install script (or set "contextDir" in vmcontext.json)']);
  } finally {
    remove(dir);
  }
});

test('NoCloud: a VM\'s folder in cloud-init/ that is a link to a folder holds that VM\'s files (as the build reads them), not "not a seed file"', async () => {
  const dir = writeTree(tempDir(), {
    'vmcontext.json': '{"flavor": "nocloud"}',
    'web1.xml': domain('web1'),
    'cloud-init/user-data': '#cloud-config\n',
    'shared-vms/web1/user-data': '#cloud-config\nhostname: web1\n',
    'shared-vms/web1/deeper/user-data': '#cloud-config\n',
  });
  try {
    symlinkSync('../shared-vms/web1', path.join(dir, 'cloud-init/web1'));
    symlinkSync('.', path.join(dir, 'cloud-init/self')); // a loop back to cloud-init/: walked once, not for ever
    const p = await loadProject(nodeFileSystem, dir);
    assert.deepEqual(p.cloudInit?.files.map((f) => [path.relative(dir, f.path), f.vm ?? '']), [
      ['cloud-init/self/user-data', 'self'],
      ['cloud-init/user-data', ''],
      ['cloud-init/web1/user-data', 'web1'],
    ]);
    const said = projectChecks(p).flatMap((f) => f.diagnostics.map((d) => `${path.relative(dir, f.file)}: ${d.code}`));
    // Only what is wrong: a folder named after no VM, and what lies deeper than a VM's folder.
    assert.deepEqual(said.filter((s) => s.startsWith('cloud-init')).sort(), [
      'cloud-init/self/self: cloudinit-file-unknown',
      'cloud-init/self/web1: cloudinit-file-unknown',
      'cloud-init/self: cloudinit-vm-unknown',
      'cloud-init/web1/deeper: cloudinit-file-unknown',
    ]);
  } finally {
    remove(dir);
  }
});

test('a base image that is a named pipe: an error on it from check, one line from the build\'s probe, and never opened (it would block)', async () => {
  const dir = writeTree(tempDir(), { 'context/post-install': '', 'vmcontext.json': '{"baseImage": "images/base.raw"}', 'build/overlays/keep': '' });
  try {
    mkdirSync(path.join(dir, 'images'));
    const image = path.join(dir, 'images/base.raw');
    mkfifo(image);
    const p = await loadProject(nodeFileSystem, dir);
    assert.deepEqual(problems(p), [['images/base.raw', 'project-not-a-file', 'error', `the base image ${image} is not a file but a named pipe: no overlay can be made over it; name the image file (or a block device)`]]);
    await assert.rejects(probeBaseImage(image), { message: `the base image ${image} is a named pipe, not an image file: name the image file (or a block device)` });
    // An overlay's place taken by a pipe: not opened, and not an overlay to keep or replace unasked.
    const overlay = path.join(dir, 'build/overlays/vm.qcow2');
    mkfifo(overlay);
    assert.deepEqual(await inspectOverlay(overlay), { kind: 'not-qcow2', fileSize: 0 });
  } finally {
    remove(dir);
  }
});
