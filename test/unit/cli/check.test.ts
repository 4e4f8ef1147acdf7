// The CLI as users run it: the bundled dist/cli.js in a child process (npm test builds it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync, rmSync, symlinkSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { copyExample, exampleProject, remove, repoRoot, tempDir, writeTree } from '../helpers/tempProject';
import { distCli, requireDistCli, vmctxProcess } from '../helpers/cli';

const vmctx = (...args: string[]) => vmctxProcess(args);

requireDistCli();

test('the example project checks clean and exits 0', () => {
  const r = vmctx('check', exampleProject);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0, r.stdout);
  assert.doesNotMatch(r.stdout, /\berror\b/);
});

test('a template with a missing closing tag gets xml-malformed at the right line, exit 1', () => {
  const dir = copyExample();
  try {
    const file = path.join(dir, 'templates/debian2.xml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('</interface>'));
    lines.splice(i, 1); // the <interface> is never closed; </devices> comes first
    writeFileSync(file, lines.join('\n'));
    const r = vmctx('check', dir);
    assert.equal(r.code, 1);
    const devicesClose = lines.findIndex((l) => l.includes('</devices>')) + 1;
    assert.match(r.stdout, new RegExp(`^templates/debian2\\.xml:${devicesClose}:5: error xml-malformed: XML is not well-formed: closing tag </devices> does not match the open element <interface>`, 'm'));
  } finally {
    remove(dir);
  }
});

test('a template whose <domain> start tag is too broken to give a root is still checked, built and deployed as one: its error, exit 1, never a VM gone without a word', () => {
  const dir = copyExample();
  try {
    const file = path.join(dir, 'templates/debian2.xml');
    const good = readFileSync(file, 'utf8');
    const line = good.split('\n').findIndex((l) => l.startsWith('<domain ')) + 1;
    const cases: Array<[string, (t: string) => string, RegExp]> = [
      ['a duplicate attribute', (t) => t.replace('<domain ', "<domain a='1' a='2' "), /duplicate attribute a/],
      ['an unbound prefix on an attribute', (t) => t.replace('<domain ', "<domain zz:a='1' "), /unbound namespace prefix zz/],
      ['an unbound prefix on the element', (t) => t.replace('<domain ', '<zz:domain ').replace('</domain>', '</zz:domain>'), /unbound namespace prefix zz/],
      ['an unfinished tag', (t) => t.replace('<domain ', '<domain < '), /unexpected character '<' in the start tag <domain>/],
    ];
    for (const [what, spoil, message] of cases) {
      writeFileSync(file, spoil(good));
      const r = vmctx('check', dir);
      assert.equal(r.code, 1, `${what}: ${r.stdout}`);
      assert.match(r.stdout, new RegExp(`^templates/debian2\\.xml:${line}:\\d+: error xml-malformed: XML is not well-formed: ${message.source}`, 'm'), what);
      assert.match(r.stdout, /^checked 7 files: 1 error$/m, `${what}: the template is counted`);
      const build = vmctx('build', dir, '--only', 'overlays');
      assert.equal(build.code, 1, `${what}: the build refuses: ${build.stdout}${build.stderr}`);
      assert.match(build.stderr, /refused to build .*: it has 1 error/, what);
      const deploy = vmctx('deploy', dir, '--dry-run', '--connect', 'test:///default');
      assert.equal(deploy.code, 1, `${what}: the deploy refuses: ${deploy.stdout}${deploy.stderr}`);
      assert.match(deploy.stderr, /refused to deploy .*: it has 1 error/, what);
    }
  } finally {
    remove(dir);
  }
});

test('--format json has the documented shape with 1-based positions', () => {
  const dir = copyExample();
  try {
    rmSync(path.join(dir, 'context/post-install'));
    writeFileSync(path.join(dir, 'templates/debian3.xml'), '<domain>\n  <name>x</name>\n');
    const r = vmctx('check', dir, '--format', 'json');
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    const byCode = Object.fromEntries(out.diagnostics.map((d: { code: string }) => [d.code, d]));
    assert.deepEqual(byCode['context-missing-post-install'], {
      file: 'context',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      severity: 'warning',
      code: 'context-missing-post-install',
      message: byCode['context-missing-post-install'].message,
    });
    const m = byCode['xml-malformed'];
    assert.equal(m.file, 'templates/debian3.xml');
    assert.equal(m.severity, 'error');
    assert.equal(m.line, 2);
    assert.match(m.message, /<domain> is never closed/);
  } finally {
    remove(dir);
  }
});

test('warnings alone exit 0', () => {
  const dir = writeTree(tempDir(), { 'context/common/network': 'NETWORK=10.0.0.0\nNETMASK=255.0.0.0\nGATEWAY=10.0.0.1\n' });
  try {
    const r = vmctx('check', dir);
    assert.match(r.stdout, /context:1:1: warning context-missing-post-install/);
    assert.equal(r.code, 0);
  } finally {
    remove(dir);
  }
});

test('bad usage exits 2 and says how to get help; --help documents every option', () => {
  const bad = vmctx('check', '--format', 'yaml', exampleProject);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format must be one of text, json/);
  assert.match(bad.stderr, /vmctx check --help/);
  assert.equal(vmctx('check', '--nope').code, 2);
  assert.equal(vmctx('frobnicate').code, 2);
  assert.equal(vmctx().code, 2);
  const help = vmctx('check', '--help');
  assert.equal(help.code, 0);
  for (const opt of ['--format', '--libvirt-schemas', 'Exit status']) assert.ok(help.stdout.includes(opt), opt);
  for (const cmd of ['check', 'build', 'rng']) assert.equal(vmctx(cmd, '--help').code, 0, cmd);
});

test('a folder that is not a project, or no folder, is a clear error naming it', () => {
  const dir = tempDir();
  try {
    const r = vmctx('check', dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a context project/);
    assert.ok(r.stderr.includes(dir));
    const missing = vmctx('check', path.join(dir, 'nope'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope does not exist/);
    writeFileSync(path.join(dir, 'file'), '');
    const file = vmctx('check', path.join(dir, 'file'));
    assert.equal(file.code, 1);
    assert.match(file.stderr, /file is not a folder/);
  } finally {
    remove(dir);
  }
});

test('a project folder reached through a symbolic link is checked like the folder itself', () => {
  const project = copyExample();
  const links = tempDir();
  try {
    writeFileSync(path.join(project, 'templates/debian3.xml'), '<domain>\n  <name>x</name>\n');
    const link = path.join(links, 'linked');
    symlinkSync(project, link);
    const direct = vmctx('check', project, '--format', 'json');
    const linked = vmctx('check', link, '--format', 'json');
    assert.equal(direct.code, 1);
    assert.equal(linked.code, 1, linked.stderr);
    const codes = (r: { stdout: string }) => JSON.parse(r.stdout).diagnostics.map((d: { file: string; code: string }) => `${d.file} ${d.code}`);
    assert.ok(codes(direct).length > 0);
    assert.deepEqual(codes(linked), codes(direct));
  } finally {
    remove(project);
    remove(links);
  }
});

test('a relative VMCTX_CACHE_DIR: one line on stderr says it is ignored and where the cache is; nothing is written relative to the current folder', () => {
  const dir = tempDir();
  try {
    const xdg = path.join(dir, 'xdg');
    const relative = 'vmctx-relative-cache-of-a-test';
    const r = vmctxProcess(['check', exampleProject], { VMCTX_CACHE_DIR: relative, XDG_CACHE_HOME: xdg });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `vmctx check: VMCTX_CACHE_DIR=${relative} is ignored: it must be an absolute path (a relative one would be another folder wherever vmctx runs); the cache is in ${xdg}/vm-context\n`);
    assert.ok(readdirSync(path.join(xdg, 'vm-context/rng')).length > 0, 'the compiled schema went to the cache named');
    assert.equal(existsSync(path.join(repoRoot, relative)), false);
    assert.equal(existsSync(path.join(process.cwd(), relative)), false);
  } finally {
    remove(dir);
  }
});

test('named pipes where check reads files (template, guest file, seed file): errors naming them, exit 1, never a hang', () => {
  const dir = tempDir();
  try {
    const snooze = copyExample();
    const nocloud = path.join(dir, 'nocloud');
    cpSync(path.join(repoRoot, 'examples/nocloud-cluster'), nocloud, { recursive: true });
    const pipes = [path.join(snooze, 'templates/pipe.xml'), path.join(snooze, 'context/common/routes'), path.join(nocloud, 'cloud-init/web1/meta-data'), path.join(nocloud, 'cloud-init/user-data')];
    for (const p of pipes) {
      rmSync(p, { force: true });
      execFileSync('mkfifo', [p]);
    }
    try {
      for (const [project, named] of [[snooze, ['templates/pipe.xml', 'context/common/routes']], [nocloud, ['cloud-init/web1/meta-data', 'cloud-init/user-data']]] as const) {
        const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'check', project], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', env: { ...process.env } });
        assert.equal(r.signal, null, 'did not finish');
        assert.equal(r.status, 1, r.stdout + r.stderr);
        for (const n of named) assert.match(r.stdout, new RegExp(`^${n}:1:1: error project-not-a-file: .* a named pipe: `, 'm'));
        assert.equal(r.stderr, '');
      }
    } finally {
      remove(snooze);
    }
  } finally {
    remove(dir);
  }
});

test('--libvirt-schemas naming no folder is a usage error (exit 2), not silently ignored', () => {
  for (const bad of ['/nonexistent', path.join(exampleProject, 'vmcontext.json')]) {
    const r = vmctx('check', exampleProject, '--libvirt-schemas', bad);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^vmctx check: --libvirt-schemas .*: no such folder\nRun `vmctx check --help` for usage\.\n$/);
    assert.equal(r.stdout, '');
  }
});

test('ESC, NUL and a 5 MB token from a project file are escaped and cut in text and JSON output', () => {
  const dir = copyExample();
  try {
    const key = '\u001b[2J\u0000\u202e' + 'K'.repeat(5 * 1024 * 1024);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'vmcontext.json'), 'utf8'));
    writeFileSync(path.join(dir, 'vmcontext.json'), JSON.stringify({ ...manifest, [key]: 1 }));
    const text = vmctx('check', dir);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.stdout.length < 2000, `${text.stdout.length} characters printed`);
    assert.doesNotMatch(text.stdout, /[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    assert.match(text.stdout, /unknown property "\\x1b\[2J\\x00\\u202eKKKK+… \(\d+ more characters\)/);
    const json = vmctx('check', dir, '--format', 'json');
    assert.ok(json.stdout.length < 3000, `${json.stdout.length} characters printed`);
    const [d] = JSON.parse(json.stdout).diagnostics.filter((x: { message: string }) => x.message.includes('unknown property'));
    assert.match(d.message, /^unknown property "\\x1b\[2J\\x00\\u202eKKK+… \(\d+ more characters\)$/);
  } finally {
    remove(dir);
  }
});

test('hosts with the same URI: check exits 1 with manifest-host-duplicate, deploy refuses before asking any host', () => {
  const dir = copyExample();
  try {
    const file = path.join(dir, 'vmcontext.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.hosts = [{ uri: 'test:///default', directory: path.join(dir, 'a') }, { uri: 'test:///default', directory: path.join(dir, 'b') }];
    writeFileSync(file, JSON.stringify(manifest, null, 2));
    const r = vmctx('check', dir);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /^vmcontext\.json:\d+:\d+: error manifest-host-duplicate: host "test:\/\/\/default" is listed twice/m);
    const d = vmctx('deploy', dir, '--dry-run', '--virsh', '/nonexistent/virsh');
    assert.equal(d.code, 1, d.stdout + d.stderr);
    assert.match(d.stderr, /listed twice/);
    assert.doesNotMatch(d.stderr, /\n\s+at /);
  } finally {
    remove(dir);
  }
});

test('a cache folder that is a file, or under one: one line says no cache is kept, and the check still runs', () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'not-a-folder');
    writeFileSync(file, 'a user file\n');
    for (const [env, why] of [[{ VMCTX_CACHE_DIR: file }, 'it is not a folder'], [{ VMCTX_CACHE_DIR: path.join(file, 'cache') }, 'a part of its path is not a folder'], [{ XDG_CACHE_HOME: file, VMCTX_CACHE_DIR: '' }, 'a part of its path is not a folder']] as const) {
      const r = vmctxProcess(['check', exampleProject], env);
      assert.equal(r.code, 0, r.stderr);
      const used = env.VMCTX_CACHE_DIR || path.join(file, 'vm-context');
      assert.equal(r.stderr, `vmctx check: the cache folder ${used} cannot be made: ${why}; no cache is kept (the schemas are compiled on every run): free that path, or set VMCTX_CACHE_DIR to the absolute path of a folder you can write\n`);
    }
    assert.equal(readFileSync(file, 'utf8'), 'a user file\n', 'the file is left as it was');
  } finally {
    remove(dir);
  }
});

test('a cache folder that cannot be made (under /proc, a link to nothing): the command ends, with one line saying so', () => {
  const dir = tempDir();
  try {
    const dangling = path.join(dir, 'dangling');
    symlinkSync(path.join(dir, 'gone'), dangling);
    const cases: Array<[string, string]> = [[path.join(dangling, 'cache'), 'it, or a folder on its way, is a link to nothing']];
    // Node's recursive mkdir never returned there: every command hung at full CPU.
    if (process.platform === 'linux' && existsSync('/proc/self')) cases.push(['/proc/vmctx-no-such-folder/cache', 'the file system does not let it be created (ENOENT)']);
    for (const [cache, why] of cases) {
      const r = spawnSync(process.execPath, [distCli, 'check', exampleProject], { encoding: 'utf8', env: { ...process.env, VMCTX_CACHE_DIR: cache }, timeout: 60_000, killSignal: 'SIGKILL' });
      assert.equal(r.signal, null, `${cache}: did not finish`);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, `vmctx check: the cache folder ${cache} cannot be made: ${why}; no cache is kept (the schemas are compiled on every run): free that path, or set VMCTX_CACHE_DIR to the absolute path of a folder you can write\n`);
    }
    assert.equal(existsSync(path.join(dir, 'gone')), false, 'nothing made through the link');
  } finally {
    remove(dir);
  }
});
