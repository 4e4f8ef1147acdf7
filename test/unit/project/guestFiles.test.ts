// The core pieces behind #12's guest-file and template checks, in process: where UTF-8 breaks,
// how a guest script runs post-install, the quick fixes applied and re-checked, the build gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { firstInvalidUtf8, hasUtf8Bom } from '../../../src/core/common/utf8';
import { postInstallRunnerOf } from '../../../src/core/project/project';
import { applyFixToText } from '../../../src/core/common/fixes';
import { countOf } from '../../../src/core/common/text';
import { parseManifest } from '../../../src/core/project/manifest';
import { validateDocument } from '../../../src/core/validation/checkProject';
import { checkBeforeBuild, checkSummaryLine } from '../../../src/core/validation/checkBeforeBuild';
import { loadProject } from '../../../src/core/project/load';
import { nodeFileSystem } from '../../../src/core/io/nodeFileSystem';
import { decodeText } from '../../../src/core/common/fileSystem';
import { defaultSettings } from '../../../src/core/settings';
import { guestFileRole } from '../../../src/core/validation/guest/guestFiles';
import { isNetworkFile, isRoutesFile } from '../../../src/core/network/contextPaths';
import { copyExample, exampleProject, remove, repoRoot, tempDir, testSchemas, writeTree } from '../helpers/tempProject';

test('firstInvalidUtf8 finds the first byte that is not UTF-8, and only such bytes', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(firstInvalidUtf8(enc('plain ascii, é, 漢字, 😀')), undefined);
  assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xff, 0x62])), 1);
  assert.equal(firstInvalidUtf8(new Uint8Array([0x61, 0xc3])), 1, 'truncated sequence');
  assert.equal(firstInvalidUtf8(new Uint8Array([0xc0, 0xaf])), 0, 'overlong /');
  assert.equal(firstInvalidUtf8(new Uint8Array([0x41, 0xed, 0xa0, 0x80])), 1, 'UTF-16 surrogate');
  assert.equal(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80])), 0, 'past U+10FFFF');
  assert.equal(firstInvalidUtf8(new Uint8Array([0xe2, 0x82, 0xac, 0x80])), 3, 'a lone continuation byte');
  assert.ok(hasUtf8Bom(new Uint8Array([0xef, 0xbb, 0xbf, 0x23])));
  assert.ok(!hasUtf8Bom(new Uint8Array([0xef, 0xbb])));
});

test('postInstallRunnerOf: sh runs it (the example), a bare path runs it directly, a test does not run it', () => {
  const example = readFileSync(path.join(exampleProject, 'base-image/contextualization'), 'utf8');
  assert.equal(postInstallRunnerOf(example)?.how, 'shell');
  assert.equal(postInstallRunnerOf('if "$MNT/post-install"; then\n  :\nfi')?.how, 'direct');
  assert.equal(postInstallRunnerOf('cd /mnt && ./post-install')?.how, 'direct');
  assert.equal(postInstallRunnerOf('exec /bin/sh /mnt/context/post-install')?.how, 'shell');
  assert.deepEqual(postInstallRunnerOf('[ -f "$MNT/post-install" ] || exit 0\n# sh post-install\n'), undefined);
  assert.equal(postInstallRunnerOf('x\n  /mnt/post-install >> /var/log/ctx.log\n')?.line, 1);
});

test('the CRLF and #! quick fixes, applied, leave a file the guest-file rules accept', async () => {
  const dir = writeTree(tempDir(), {
    'context/post-install': 'echo hello\r\nexit 0\r\n',
    'base-image/contextualization': 'if "$MNT/post-install"; then :; fi\n',
  });
  try {
    const project = await loadProject(nodeFileSystem, dir);
    const file = path.join(dir, 'context/post-install');
    let text = readFileSync(file, 'utf8');
    const before = validateDocument(project, file, text, defaultSettings, testSchemas);
    assert.deepEqual(before.map((d) => [d.code, d.severity, d.range.start.line]), [
      ['guest-no-shebang', 'error', 0],
      ['guest-crlf', 'error', 0],
    ]);
    for (const d of before) text = applyFixToText(text, d.fixes![0], file);
    assert.equal(text, '#!/bin/sh\necho hello\nexit 0\n');
    assert.deepEqual(validateDocument(project, file, text, defaultSettings, testSchemas), []);
  } finally {
    remove(dir);
  }
});

test('a BOM is seen in the bytes (editors hide it) and its fix says to drop it from the file', async () => {
  const dir = writeTree(tempDir(), { 'context/common/routes': new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('# none\n')]), 'context/post-install': '#!/bin/sh\n' });
  try {
    const project = await loadProject(nodeFileSystem, dir);
    assert.equal(project.contextFiles.find((f) => f.role === 'routes')?.bom, true);
    const pre = await checkBeforeBuild(project, async (f) => decodeText(await nodeFileSystem.readFile(f)), defaultSettings, testSchemas, { action: 'build', override: '--allow-errors' });
    const bom = pre.results.flatMap((r) => r.diagnostics).find((d) => d.code === 'guest-bom');
    assert.ok(bom?.fixes?.[0].removeBom);
    assert.equal(pre.proceed, false);
    assert.deepEqual(pre.errorLines.filter((l) => l.includes('guest-bom')).length, 1);
  } finally {
    remove(dir);
  }
});

test('checkBeforeBuild: the example goes ahead; allowErrors goes ahead and says so; counts in the right number', async () => {
  const dir = copyExample();
  try {
    const read = async (f: string) => decodeText(await nodeFileSystem.readFile(f));
    const clean = await checkBeforeBuild(await loadProject(nodeFileSystem, dir), read, defaultSettings, testSchemas, { action: 'deploy', override: '--allow-errors' });
    assert.equal(clean.proceed, true);
    assert.equal(checkSummaryLine(clean.summary), 'checked 7 files: no problems');
    const t = path.join(dir, 'templates/debian1.xml');
    const broken = async (f: string) => (f === t ? (await read(f))!.replace('<name>debian1</name>', '<name>a/b</name>') : read(f));
    const project = await loadProject(nodeFileSystem, dir);
    const refused = await checkBeforeBuild(project, broken, defaultSettings, testSchemas, { action: 'build', override: '--allow-errors' });
    assert.equal(refused.proceed, false);
    assert.match(refused.headline, /^refused to build .*: it has 1 error \(/);
    const allowed = await checkBeforeBuild(project, broken, defaultSettings, testSchemas, { action: 'build', allowErrors: true, override: '--allow-errors' });
    assert.equal(allowed.proceed, true);
    assert.match(allowed.headline, /despite 1 error, as --allow-errors asks/);
  } finally {
    remove(dir);
  }
});

test('a manifest key typo gets "did you mean" and a fix that writes the right key', () => {
  const text = '{ "contextDri": "ctx", "output": { "isos": "b/c.iso" } }';
  const { diagnostics } = parseManifest(text);
  assert.deepEqual(diagnostics.map((d) => d.message.match(/did you mean "(\w+)"/)?.[1]), ['contextDir', 'iso']);
  let fixed = text;
  for (const d of [...diagnostics].reverse()) fixed = applyFixToText(fixed, d.fixes![0]);
  assert.equal(fixed, '{ "contextDir": "ctx", "output": { "iso": "b/c.iso" } }');
  assert.deepEqual(parseManifest(fixed).diagnostics, []);
});

test('the whitespace fix of a domain name, applied, leaves a name libvirt and vmctx agree on', async () => {
  const dir = copyExample();
  try {
    const project = await loadProject(nodeFileSystem, dir);
    const file = path.join(dir, 'templates/debian2.xml');
    const text = readFileSync(file, 'utf8').replace('<name>debian2</name>', '<name>\n  debian2\n</name>');
    const ds = validateDocument(project, file, text, defaultSettings, testSchemas).filter((d) => d.code.startsWith('domain-name'));
    assert.deepEqual(ds.map((d) => [d.code, d.severity]), [['domain-name-invalid', 'error']]);
    const fixed = applyFixToText(text, ds[0].fixes![0], file);
    assert.match(fixed, /<name>debian2<\/name>/);
    assert.deepEqual(validateDocument(project, file, fixed, defaultSettings, testSchemas), []);
  } finally {
    remove(dir);
  }
});

test('counts are printed in the right number: no "1 errors" anywhere in the sources', () => {
  assert.equal(countOf(1, 'error'), '1 error');
  assert.equal(countOf(0, 'warning'), '0 warnings');
  const offenders: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        readFileSync(p, 'utf8')
          .split('\n')
          .forEach((l, i) => {
            // A count interpolated straight before a plural noun reads "1 errors" when it is 1.
            if (/\$\{[\w.]+(\.length)?\} (errors|warnings|files|problems|changes|templates)\b/.test(l)) offenders.push(`${path.relative(repoRoot, p)}:${i + 1}`);
          });
      }
    }
  };
  walk(path.join(repoRoot, 'src'));
  assert.deepEqual(offenders, []);
});

test('the guest files and common/network|routes are found by path however it is spelled; other context files are not', () => {
  const contextDir = path.resolve('/p/context');
  const project = { contextDir };
  const at = (...parts: string[]) => path.join(contextDir, ...parts);
  assert.equal(guestFileRole(project, at('post-install')), 'post-install');
  assert.equal(guestFileRole(project, `${at('common')}${path.sep}..${path.sep}post-install`), 'post-install', 'a .. segment');
  assert.equal(guestFileRole(project, `${at('common', 'network')}${path.sep}`), 'network', 'a trailing separator');
  assert.equal(guestFileRole(project, at('common', 'routes')), 'routes');
  assert.equal(guestFileRole(project, at('bulk', 'file-0001.bin')), undefined);
  assert.equal(guestFileRole(project, at('bulk', 'post-install')), undefined, 'the name alone is not the file');
  assert.equal(guestFileRole(project, path.resolve('/elsewhere/post-install')), undefined);
  // A relative path is resolved against the working folder, as before.
  const relative = path.relative(process.cwd(), at('common', 'network'));
  assert.equal(guestFileRole(project, relative), 'network');
  assert.equal(isNetworkFile(project, relative), true);
  assert.equal(isNetworkFile(project, `${at('common', 'network')}${path.sep}.`), true);
  assert.equal(isNetworkFile(project, at('common', 'networks')), false);
  assert.equal(isRoutesFile(project, at('common', 'x', '..', 'routes')), true);
  assert.equal(isRoutesFile(project, at('bulk', 'file.bin')), false);
});
