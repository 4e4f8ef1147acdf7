// Differential test of the embedded ISO writer: generated trees with long names, long symlink
// targets, deep folders, non-ASCII names and a folder of many entries, read back by every
// reader we know (isoinfo, xorriso/osirrox, bsdtar/libarchive, pycdlib, 7z); each must see the
// source's names, bytes, modes and link targets. 7z (p7zip 16.02) reads only the Joliet tree:
// it is held to the Joliet names and the bytes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeIsoFromFolder } from '../../../src/core/io/isoFile';
import { resolveJolietNames } from '../../../src/core/image/iso9660/names';
import { removeDir, tempDir, tool, toolBytes } from './helpers';

type Seen = { kind: 'dir' | 'file' | 'link'; mode?: number; sha256?: string; target?: string };
type Snapshot = Record<string, Seen>;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const UTF8 = { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };

/** Every entry under `root` as a reader would report it (links keep no mode of their own). */
function snapshot(root: string, rel = '', out: Snapshot = {}): Snapshot {
  for (const name of readdirSync(root + (rel ? `/${rel}` : ''))) {
    const r = rel ? `${rel}/${name}` : name;
    const p = join(root, r);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out[r] = { kind: 'link', target: readlinkSync(p) };
    else if (st.isDirectory()) {
      out[r] = { kind: 'dir', mode: st.mode & 0o7777 };
      snapshot(root, r, out);
    } else out[r] = { kind: 'file', mode: st.mode & 0o7777, sha256: sha(readFileSync(p)) };
  }
  return out;
}

/** Deterministic content: a few hundred bytes to a few KiB per file. */
const content = (seed: string) => {
  const parts: Buffer[] = [];
  for (let i = 0, n = seed.length % 7; i <= n; i++) parts.push(createHash('sha512').update(`${seed}/${i}`).digest());
  return Buffer.concat([Buffer.from(`${seed}\n`), ...parts]);
};

/** The generated tree: every awkward case at once, with varied modes. */
function generate(root: string): void {
  const modes = [0o644, 0o600, 0o755, 0o640, 0o444, 0o700];
  let k = 0;
  const file = (p: string) => {
    writeFileSync(p, content(p.slice(root.length)));
    chmodSync(p, modes[k++ % modes.length]);
  };
  mkdirSync(root, { recursive: true });
  file(join(root, 'post-install'));
  // Names at the 255-byte limit: ASCII, two-byte and three-byte UTF-8, outside the BMP.
  file(join(root, 'n'.repeat(250) + '.conf'));
  file(join(root, 'é'.repeat(127)));
  file(join(root, '日本語'.repeat(28)));
  file(join(root, '🙂 '.repeat(42) + 'x'));
  file(join(root, 'héllo wörld – ünïcode.txt'));
  // Symbolic links: short, over one SL entry (255 bytes), near libisofs's 1024-byte limit, absolute-looking parts.
  symlinkSync('post-install', join(root, 'short-link'));
  symlinkSync('sub/'.repeat(80) + 'file', join(root, 'long-link-320'));
  symlinkSync('./' + 'd'.repeat(200) + '/../' + 'e'.repeat(240) + '/' + 'f'.repeat(250) + '/../../x', join(root, 'long-link-parts'));
  symlinkSync('ünïcode/'.repeat(40) + 'end', join(root, 'long-link-unicode'));
  // Deep folders, each with a long name and a file, and links climbing back up.
  let deep = root;
  for (let i = 1; i <= 24; i++) {
    deep = join(deep, `level-${i}-` + 'q'.repeat(60));
    mkdirSync(deep);
    chmodSync(deep, i % 2 ? 0o755 : 0o750);
    file(join(deep, `leaf-${i}.txt`));
  }
  symlinkSync('../'.repeat(24) + 'post-install', join(deep, 'to-top'));
  // Many entries in one folder: its extent and its continuation area span several sectors.
  const many = join(root, 'many');
  mkdirSync(many);
  for (let i = 0; i < 150; i++) {
    const name = `entry-${String(i).padStart(3, '0')}-` + 'long-name-'.repeat(18 + (i % 5));
    if (i % 10 === 9) symlinkSync(`../many/entry-${String(i - 1).padStart(3, '0')}-target`, join(many, name));
    else if (i % 25 === 0) mkdirSync(join(many, name));
    else file(join(many, name));
  }
  chmodSync(many, 0o755);
}

/** `isoinfo -R -l` for names, modes and targets; `isoinfo -R -x` for the bytes. */
function readIsoinfo(iso: string): Snapshot {
  const out: Snapshot = {};
  let dir = '';
  for (const line of tool('isoinfo', ['-R', '-l', '-i', iso], { env: UTF8 }).split('\n')) {
    const d = /^Directory listing of \/(.*)$/.exec(line);
    if (d) {
      dir = d[1].replace(/\/$/, '');
      continue;
    }
    const m = /^([-dl])([-rwxsStT]{9})\s.*?\]\s\s(.*?) ?$/.exec(line);
    if (!m) continue;
    const [name, target] = m[3].split(' -> ');
    if (name === '.' || name === '..') continue;
    const path = dir ? `${dir}/${name}` : name;
    if (m[1] === 'l') out[path] = { kind: 'link', target };
    else {
      const mode = [...m[2]].reduce((n, c, i) => n | (c === '-' ? 0 : 1 << (8 - i)), 0);
      out[path] = m[1] === 'd' ? { kind: 'dir', mode } : { kind: 'file', mode, sha256: sha(toolBytes('isoinfo', ['-R', '-i', iso, '-x', `/${path}`])) };
    }
  }
  return out;
}

const PYCDLIB = `
import sys, json, hashlib, io, pycdlib
iso = pycdlib.PyCdlib()
iso.open(sys.argv[1])
out = {}
for dirpath, dirs, files in iso.walk(rr_path='/'):
    for name in dirs + files:
        p = dirpath.rstrip('/') + '/' + name
        rec = iso.get_record(rr_path=p)
        rr = rec.rock_ridge
        if rr.is_symlink():
            out[p[1:]] = {'kind': 'link', 'target': rr.symlink_path().decode('utf-8')}
        elif rec.is_dir():
            out[p[1:]] = {'kind': 'dir', 'mode': rr.get_file_mode() & 0o7777}
        else:
            b = io.BytesIO()
            iso.get_file_from_iso_fp(b, rr_path=p)
            out[p[1:]] = {'kind': 'file', 'mode': rr.get_file_mode() & 0o7777, 'sha256': hashlib.sha256(b.getvalue()).hexdigest()}
iso.close()
json.dump(out, sys.stdout)
`;

/** Debian's python3-pycdlib installs for the system interpreter, which may not be first on PATH. */
function python(): string {
  for (const p of ['/usr/bin/python3', 'python3']) {
    try {
      tool(p, ['-c', 'import pycdlib']);
      return p;
    } catch {
      // try the next one
    }
  }
  assert.fail('pycdlib is missing: install the Debian package python3-pycdlib');
}

function needTools(): void {
  const missing = [
    ['isoinfo', 'genisoimage'],
    ['xorriso', 'xorriso'],
    ['bsdtar', 'libarchive-tools'],
    ['7z', 'p7zip-full'],
  ].filter(([cmd]) => {
    try {
      tool('sh', ['-c', 'command -v "$1"', 'sh', cmd]);
      return false;
    } catch {
      return true;
    }
  });
  assert.deepEqual(missing, [], `missing tools: ${missing.map(([c, p]) => `${c} (Debian package ${p})`).join(', ')}`);
}

/** The source as 7z sees it: Joliet names (our resolver), bytes; a link is an empty file. */
function jolietView(src: string, rel = '', jrel = '', out: Snapshot = {}): Snapshot {
  const names = readdirSync(join(src, rel));
  const mapped = resolveJolietNames(names.map((n) => ({ name: n, isDir: lstatSync(join(src, rel, n)).isDirectory() })));
  names.forEach((n, i) => {
    const r = rel ? `${rel}/${n}` : n;
    const j = jrel ? `${jrel}/${mapped[i]}` : mapped[i];
    const st = lstatSync(join(src, r));
    if (st.isDirectory()) {
      out[j] = { kind: 'dir' };
      jolietView(src, r, j, out);
    } else out[j] = { kind: 'file', sha256: sha(st.isSymbolicLink() ? new Uint8Array(0) : readFileSync(join(src, r))) };
  });
  return out;
}

const withoutModes = (s: Snapshot): Snapshot => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { kind: v.kind, ...(v.sha256 ? { sha256: v.sha256 } : {}) }]));

describe('every ISO reader sees the source tree (differential)', () => {
  let dir: string;
  let src: string;
  let iso: string;
  let want: Snapshot;

  before(async () => {
    needTools();
    dir = tempDir();
    src = join(dir, 'context');
    generate(src);
    want = snapshot(src);
    iso = join(dir, 'context.iso');
    const r = await writeIsoFromFolder(src, iso, { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    // The long links lead nowhere on purpose (their targets are not in the tree): each is warned
    // about with its path, and kept in the image all the same.
    const broken = r.problems.filter((p) => p.code === 'iso-symlink-broken' && p.severity === 'warning').map((p) => p.path);
    assert.deepEqual(r.problems.length, broken.length, JSON.stringify(r.problems.filter((p) => p.code !== 'iso-symlink-broken')));
    assert.ok(broken.includes('long-link-320') && broken.includes('long-link-unicode'), broken.join('\n'));
    assert.ok(!broken.includes('short-link') && !broken.some((p) => p.endsWith('/to-top')), broken.join('\n'));
  });
  after(() => removeDir(dir));

  it('the generated tree has every case', () => {
    const entries = Object.entries(want);
    assert.ok(entries.length > 190, String(entries.length));
    assert.ok(entries.some(([k]) => Buffer.byteLength(k.split('/').pop()!) === 255));
    assert.ok(entries.some(([, v]) => v.kind === 'link' && Buffer.byteLength(v.target!) > 700));
    assert.ok(entries.some(([k]) => k.split('/').length > 24));
  });

  it('isoinfo -R', () => {
    assert.deepEqual(readIsoinfo(iso), want);
  });

  it('xorriso -osirrox', () => {
    const out = join(dir, 'xorriso-out');
    tool('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out], { env: UTF8 });
    assert.deepEqual(snapshot(out), want);
  });

  it('bsdtar (libarchive)', () => {
    const out = join(dir, 'bsdtar-out');
    mkdirSync(out);
    tool('bsdtar', ['-x', '-p', '-f', iso, '-C', out], { env: UTF8 });
    assert.deepEqual(snapshot(out), want);
  });

  it('pycdlib', () => {
    assert.deepEqual(JSON.parse(tool(python(), ['-c', PYCDLIB, iso])), want);
  });

  it('7z (Joliet names and bytes: p7zip reads no Rock Ridge)', () => {
    const out = join(dir, '7z-out');
    tool('7z', ['x', '-y', `-o${out}`, iso], { env: UTF8 });
    assert.deepEqual(withoutModes(snapshot(out)), jolietView(src));
  });
});
