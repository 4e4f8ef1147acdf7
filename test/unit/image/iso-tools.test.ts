// The embedded ISO writer checked by the real tools: isoinfo (genisoimage package) and xorriso.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeIsoFromFolder } from '../../../src/core/io/isoFile';
import { resolveJolietNames } from '../../../src/core/image/iso9660/names';
import { removeDir, setAllTimes, tempDir, tool, toolBytes, writeTree, xorrisoTree } from './helpers';

const T0 = 1_700_000_000; // 2023-11-14 22:13:20 UTC

function modeString(mode: number, kind: 'd' | '-' | 'l'): string {
  const bits = 'rwxrwxrwx';
  let s = kind;
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? bits[i] : '-';
  return s;
}

/** Every entry under `root` (relative path → kind, mode string, link target). */
function sourceTree(root: string, rel = ''): Map<string, { mode: string; target?: string; kind: string }> {
  const out = new Map<string, { mode: string; target?: string; kind: string }>();
  for (const name of readdirSync(join(root, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, r));
    if (st.isDirectory()) {
      out.set(r, { kind: 'dir', mode: modeString(st.mode, 'd') });
      for (const [k, v] of sourceTree(root, r)) out.set(k, v);
    } else if (st.isSymbolicLink()) out.set(r, { kind: 'link', mode: 'lrwxrwxrwx', target: readlinkSync(join(root, r)) });
    else out.set(r, { kind: 'file', mode: modeString(st.mode, '-') });
  }
  return out;
}

/** `isoinfo -R -l` parsed into path → mode string and link target. */
function isoinfoTree(iso: string): Map<string, { mode: string; target?: string }> {
  const out = new Map<string, { mode: string; target?: string }>();
  let dir = '';
  for (const line of tool('isoinfo', ['-R', '-l', '-i', iso]).split('\n')) {
    const d = /^Directory listing of \/(.*)$/.exec(line);
    if (d) {
      dir = d[1].replace(/\/$/, '');
      continue;
    }
    const m = /^(\S{10})\s.*?\]\s\s(.*?) ?$/.exec(line);
    if (!m) continue;
    const [name, target] = m[2].split(' -> ');
    if (name === '.' || name === '..') continue;
    out.set(dir ? `${dir}/${name}` : name, { mode: m[1], target });
  }
  return out;
}

/** The Joliet path of `rel`, from the names our resolver gives each folder's entries. */
function jolietPath(root: string, rel: string): string {
  const parts = rel.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const parent = join(root, ...parts.slice(0, i));
    const names = readdirSync(parent);
    const mapped = resolveJolietNames(names.map((n) => ({ name: n, isDir: lstatSync(join(parent, n)).isDirectory() })));
    out.push(mapped[names.indexOf(parts[i])]);
  }
  return '/' + out.join('/');
}

describe('embedded ISO writer, checked by isoinfo and xorriso', () => {
  let dir: string;
  let ctx: string;
  let iso: string;
  const deep = 'deep/' + Array.from({ length: 12 }, (_, i) => `level${i + 1}`).join('/');
  const longName = 'a-really-long-file-name-'.repeat(8) + 'end.conf';

  before(async () => {
    dir = tempDir();
    ctx = join(dir, 'context');
    writeTree(ctx, {
      'post-install': { mode: 0o755, data: '#!/bin/sh\necho hello\n' },
      'post-installer': 'second post file\n',
      'post_install.sh': 'third\n',
      'name with spaces.txt': 'spaces\n',
      [`it's "quoted".txt`]: 'quotes\n',
      '$(touch pwned)': 'not run\n',
      'héllo wörld – ünïcode.txt': 'unicode\n',
      '日本語.txt': 'japanese\n',
      '🙂 smile.txt': 'outside the BMP\n',
      [longName]: 'long\n',
      '.hidden': 'dot file\n',
      empty: '',
      'big.bin': randomBytes(300_000),
      secret: { mode: 0o600, data: 'private\n' },
      LongFileName1: '1',
      LongFileName2: '2',
      longfilename1: '3',
      common: { network: 'IP=10.0.0.1\n', routes: 'default via 10.0.0.254\n', up: { link: '../post-install' } },
      'link-to-post': { link: 'post-install' },
      'link-to-dir': { link: 'common' },
      deep: {},
    });
    writeTree(join(ctx, deep), { 'leaf.txt': 'deep leaf\n' });
    tool('chmod', ['0750', join(ctx, 'common')]);
    setAllTimes(ctx, T0);
    iso = join(dir, 'context.iso');
    const r = await writeIsoFromFolder(ctx, iso, { label: 'CONTEXT', env: {} });
    assert.deepEqual(r.problems, []);
    assert.equal(r.date, T0);
  });
  after(() => removeDir(dir));

  it('isoinfo -d finds Joliet level 3, Rock Ridge and the label', () => {
    const d = tool('isoinfo', ['-d', '-i', iso]);
    assert.match(d, /^Volume id: CONTEXT$/m);
    assert.match(d, /Joliet with UCS level 3 found/);
    assert.match(d, /Rock Ridge signatures version 1 found/);
  });

  it('isoinfo -R -l lists the source tree with its modes and link targets', () => {
    const src = sourceTree(ctx);
    const got = isoinfoTree(iso);
    assert.deepEqual([...got.keys()].sort(), [...src.keys()].sort());
    for (const [path, e] of src) {
      assert.equal(got.get(path)?.mode, e.mode, path);
      assert.equal(got.get(path)?.target, e.target, path);
    }
  });

  it('isoinfo -R -x and -J -x extract every file byte-exact', () => {
    for (const [path, e] of sourceTree(ctx)) {
      if (e.kind !== 'file') continue;
      const want = readFileSync(join(ctx, path));
      assert.ok(toolBytes('isoinfo', ['-R', '-i', iso, '-x', `/${path}`]).equals(want), `-R ${path}`);
      // isoinfo prints Joliet names in Latin-1, which an argument cannot carry: ASCII names only.
      const jpath = jolietPath(ctx, path);
      if (/^[\x20-\x7e]*$/.test(jpath)) assert.ok(toolBytes('isoinfo', ['-J', '-i', iso, '-x', jpath]).equals(want), `-J ${path}`);
    }
  });

  it('xorriso extracts every file byte-exact from the Joliet tree, under its Joliet name', () => {
    const out = join(dir, 'joliet-out');
    tool('xorriso', ['-osirrox', 'on', '-read_fs', 'norock', '-indev', iso, '-extract', '/', out], { env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
    let files = 0;
    for (const [path, e] of sourceTree(ctx)) {
      if (e.kind !== 'file') continue;
      assert.ok(readFileSync(join(out, jolietPath(ctx, path))).equals(readFileSync(join(ctx, path))), path);
      files++;
    }
    assert.equal(files, 20);
  });

  it('primary 8.3 names are unique d-characters', () => {
    const listing = tool('isoinfo', ['-l', '-i', iso]);
    const byDir = listing.split('Directory listing of ').slice(1);
    for (const block of byDir) {
      const names = block.split('\n').slice(1).map((l) => /\]\s\s(\S+) $/.exec(l)?.[1]).filter((n): n is string => !!n && n !== '.' && n !== '..');
      assert.equal(new Set(names).size, names.length, block);
      for (const n of names) assert.match(n, /^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{0,3};1)?$/);
    }
    assert.match(listing, / POST_INS\.;1 /);
    assert.match(listing, / POST_000\.;1 /);
  });

  it('xorriso lists the same tree as for a genisoimage-built ISO of the same folder', () => {
    const theirs = join(dir, 'genisoimage.iso');
    // genisoimage refuses names outside UCS-2 in Joliet, so that one file is left to us.
    const smile = '🙂 smile.txt';
    tool('genisoimage', ['-quiet', '-R', '-J', '-D', '-joliet-long', '-V', 'CONTEXT', '-m', smile, '-o', theirs, ctx]);
    const ours = xorrisoTree(iso);
    assert.equal(ours.filter((l) => l.includes(smile)).length, 1);
    assert.deepEqual(ours.filter((l) => !l.includes(smile)), xorrisoTree(theirs));
  });

  it('is reproducible: the same inputs give the same bytes; SOURCE_DATE_EPOCH sets the dates', async () => {
    const again = join(dir, 'again.iso');
    await writeIsoFromFolder(ctx, again, { label: 'CONTEXT', env: {} });
    assert.ok(readFileSync(again).equals(readFileSync(iso)));
    await writeIsoFromFolder(ctx, again, { label: 'CONTEXT', env: { SOURCE_DATE_EPOCH: '946684800' } });
    assert.match(tool('xorriso', ['-indev', again, '-pvd_info']), /Creation Time: 2000010100000000/);
    const bytes = readFileSync(again);
    assert.ok(!bytes.equals(readFileSync(iso)));
    await writeIsoFromFolder(ctx, again, { label: 'CONTEXT', env: { SOURCE_DATE_EPOCH: '946684800' } });
    assert.ok(readFileSync(again).equals(bytes));
  });

  it('writes a lower-case label as given (cloud-init looks for cidata)', async () => {
    const other = join(dir, 'cidata.iso');
    await writeIsoFromFolder(join(ctx, 'common'), other, { label: 'cidata', env: {} });
    assert.match(tool('isoinfo', ['-d', '-i', other]), /^Volume id: cidata$/m);
    assert.match(tool('blkid', ['-p', '-s', 'LABEL', '-o', 'value', other]), /^cidata$/m);
  });
});
