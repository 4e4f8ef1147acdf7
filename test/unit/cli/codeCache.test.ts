// The start-up code cache (issue #16, src/core/io/codeCache.ts): a small bundle and its lazy group
// loaded through it in child processes (each process is a fresh V8), then dist/cli.js itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import { buildSync } from 'esbuild';
import { exampleProject, remove, repoRoot, tempDir, writeTree } from '../helpers/tempProject';

let dir: string;
let bundle: string;
let runner: string;

const BUNDLE = `if (process.env.THROW) throw new Error('boom');
const lazy = require('../lazy/group.js');
function work(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += i % 7;
  return s;
}
module.exports = { main: require.main === module, value: work(1000) + lazy.twice(21), file: __filename, lazyCached: require.cache[require.resolve('../lazy/group.js')] !== undefined };
`;

before(() => {
  dir = tempDir('vmctx-codecache-');
  writeTree(dir, { 'dist/bundle/main.js': BUNDLE, 'dist/lazy/group.js': 'module.exports = { twice: (x) => x * 2 };\n' });
  bundle = path.join(dir, 'dist/bundle/main.js');
  // Loads the bundle as the main module through the cache, saves the entries, prints what happened.
  // Bundled as the launchers are (plain Node, no TypeScript loader: a child starts in 0.1 s).
  runner = path.join(dir, 'run.cjs');
  writeFileSync(
    path.join(dir, 'run.ts'),
    `import * as path from 'node:path';
import { CodeCache } from ${JSON.stringify(path.join(repoRoot, 'src/core/io/codeCache.ts'))};
const cache = new CodeCache({ dir: process.env.CACHE, run: process.env.RUN ?? 'test' });
const out = cache.load(process.env.BUNDLE ?? ${JSON.stringify(bundle)}, module, true);
cache.save();
console.log(JSON.stringify({ out, enabled: cache.enabled, states: Object.fromEntries([...cache.states].map(([f, s]) => [path.basename(f), s])), maxRssKb: process.resourceUsage().maxRSS }));
`,
  );
  buildSync({ entryPoints: [path.join(dir, 'run.ts')], outfile: runner, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
});
after(() => remove(dir));

interface RunResult {
  out: { main: boolean; value: number | string; file: string; lazyCached: boolean };
  enabled: boolean;
  states: Record<string, string>;
  maxRssKb: number;
}

function load(cache: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): RunResult {
  const r = spawnSync(process.execPath, [...nodeArgs, runner], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CACHE: cache, ...env } });
  assert.equal(r.status, 0, `the runner failed (${r.status}, ${r.signal}):\n${r.stderr}`);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout) as RunResult;
}

const expected = () => ({ main: true, value: 2997 + 42, file: bundle, lazyCached: true });
const entries = (cache: string) => readdirSync(cache).sort();
const entryOf = (cache: string, name: string) => path.join(cache, entries(cache).find((f) => f.startsWith(`${name}-`))!);

test('a miss makes an entry per bundle, the next run hits it; the output is the same', () => {
  const cache = path.join(dir, 'c1');
  const first = load(cache);
  assert.equal(first.enabled, true);
  assert.deepEqual(first.out, expected());
  assert.deepEqual(first.states, { 'main.js': 'miss', 'group.js': 'miss' });
  assert.deepEqual(entries(cache).map((f) => f.replace(/-[0-9a-f]{8}\.bin$/, '')), ['group', 'main']);
  const bytes = readFileSync(entryOf(cache, 'main'));
  const header = JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString());
  assert.equal(header.bundle, bundle);
  assert.deepEqual(header.runs, ['test']);
  assert.equal(header.crc, crc32(bytes.subarray(bytes.indexOf(10) + 1)));

  const second = load(cache);
  assert.deepEqual(second.out, expected());
  assert.deepEqual(second.states, { 'main.js': 'hit', 'group.js': 'hit' });
  // A hit by a kind of run the entry has seen writes nothing.
  assert.deepEqual(readFileSync(entryOf(cache, 'main')), bytes);

  // Another kind of run has its own entries (a small check does not deserialize a build's code),
  // and leaves the first kind's as they were.
  assert.deepEqual(load(cache, { RUN: 'other' }).states, { 'main.js': 'miss', 'group.js': 'miss' });
  assert.deepEqual(load(cache, { RUN: 'other' }).states, { 'main.js': 'hit', 'group.js': 'hit' });
  const mains = entries(cache).filter((f) => f.startsWith('main-'));
  assert.equal(mains.length, 2);
  const runsOf = (f: string) => {
    const b = readFileSync(path.join(cache, f));
    return JSON.parse(b.subarray(0, b.indexOf(10)).toString()).runs;
  };
  assert.deepEqual(mains.map(runsOf).sort(), [['other'], ['test']]);
  assert.ok(mains.some((f) => readFileSync(path.join(cache, f)).equals(bytes)));
  assert.deepEqual(load(cache).states, { 'main.js': 'hit', 'group.js': 'hit' });
});

test('a new entry removes the entries of bundles that are gone (an updated or removed extension), and nothing else', () => {
  const cache = path.join(dir, 'c-orphans');
  const entryOfBundle = (name: string, bundleFile: string, runtime = 'another node') =>
    writeFileSync(path.join(cache, name), `${JSON.stringify({ magic: 'vm-context code cache 1', runtime, bundle: bundleFile, source: '1:2:3', crc: 0, runs: ['test'] })}\ncode`);
  writeTree(cache, { 'notes.txt': 'not ours\n', 'junk-00000000.bin': 'no header line' });
  entryOfBundle('extension-0badc0de.bin', path.join(dir, 'extensions/vm-context-0.0.9/dist/bundle/extension.js'));
  entryOfBundle('main-1234abcd.bin', bundle);
  entryOfBundle('relative-12345678.bin', 'dist/bundle/cli.js');
  const before = entries(cache);

  assert.deepEqual(load(cache).states, { 'main.js': 'miss', 'group.js': 'miss' });
  const after = entries(cache);
  // Gone: the entry whose bundle no longer exists. Kept: another runtime's entry of a bundle that
  // exists, a header we cannot place (relative), files not named or not shaped as entries.
  assert.deepEqual(before.filter((f) => !after.includes(f)), ['extension-0badc0de.bin']);
  for (const kept of ['junk-00000000.bin', 'main-1234abcd.bin', 'notes.txt', 'relative-12345678.bin']) assert.ok(after.includes(kept), kept);
  assert.equal(after.filter((f) => /^(main|group)-[0-9a-f]{8}\.bin$/.test(f) && f !== 'main-1234abcd.bin').length, 2, 'the two new entries');

  // A hit writes nothing and removes nothing.
  entryOfBundle('extension-0ddba11e.bin', path.join(dir, 'extensions/vm-context-0.0.8/dist/bundle/extension.js'));
  assert.deepEqual(load(cache).states, { 'main.js': 'hit', 'group.js': 'hit' });
  assert.ok(entries(cache).includes('extension-0ddba11e.bin'));
});

test('a damaged, truncated or foreign entry is not used (no crash), and is written afresh', () => {
  const cache = path.join(dir, 'c2');
  load(cache);
  const file = entryOf(cache, 'main');
  const good = readFileSync(file);
  const nl = good.indexOf(10);
  const flipped = Buffer.from(good);
  // Damage in the middle of V8's data: V8 itself would not notice and could crash on it.
  for (let i = nl + 200; i < nl + 264; i++) flipped[i] ^= 0x5a;
  const damaged: Array<[string, Buffer]> = [
    ['flipped bytes', flipped],
    ['truncated', good.subarray(0, nl + 100)],
    ['no header', good.subarray(nl + 1)],
    ['empty', Buffer.alloc(0)],
    ['header only', good.subarray(0, nl + 1)],
    ['another bundle', Buffer.concat([Buffer.from(good.subarray(0, nl).toString().replace(JSON.stringify(bundle).slice(1, -1), '/elsewhere/main.js')), good.subarray(nl)])],
  ];
  for (const [what, bytes] of damaged) {
    writeFileSync(file, bytes);
    const r = load(cache);
    assert.deepEqual(r.out, expected(), what);
    assert.equal(r.states['main.js'], 'stale', what);
    assert.equal(load(cache).states['main.js'], 'hit', `${what}: the entry was not written afresh`);
  }
});

test('an entry V8 rejects is ignored and replaced', () => {
  const cache = path.join(dir, 'c3');
  load(cache);
  const file = entryOf(cache, 'main');
  const good = readFileSync(file);
  const nl = good.indexOf(10);
  // V8's own header (its version hash) changed, with a CRC to match: our checks pass, V8's do not.
  const data = Buffer.from(good.subarray(nl + 1));
  for (let i = 4; i < 8; i++) data[i] ^= 0xff;
  const header = JSON.parse(good.subarray(0, nl).toString());
  writeFileSync(file, Buffer.concat([Buffer.from(JSON.stringify({ ...header, crc: crc32(data) }) + '\n'), data]));
  const r = load(cache);
  assert.deepEqual(r.out, expected());
  assert.equal(r.states['main.js'], 'rejected');
  assert.equal(load(cache).states['main.js'], 'hit');
});

test('a changed bundle does not meet its old entry', () => {
  const cache = path.join(dir, 'c4');
  load(cache);
  writeFileSync(bundle, BUNDLE.replace('lazy.twice(21)', 'lazy.twice(20)'));
  try {
    const r = load(cache);
    assert.equal(r.states['main.js'], 'stale');
    assert.equal(r.out.value, 2997 + 40);
  } finally {
    writeFileSync(bundle, BUNDLE);
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
  }
  assert.equal(load(cache).out.value, 2997 + 42);
});

test('with source maps on, the bundle goes through Node\'s own loader, as the main module', () => {
  const r = load(path.join(dir, 'c6'), {}, ['--enable-source-maps']);
  assert.deepEqual(r.out, expected());
  assert.equal(r.enabled, false);
  assert.deepEqual(r.states, { 'main.js': 'off' });
  assert.equal(existsSync(path.join(dir, 'c6')), false);
});

test('a cache folder that cannot be made or written only means compiling as usual', () => {
  // A regular file where the folder's parent should be: mkdir fails, even for root.
  writeFileSync(path.join(dir, 'not-a-folder'), 'x');
  const r = load(path.join(dir, 'not-a-folder', 'code'));
  assert.deepEqual(r.out, expected());
  assert.deepEqual(r.states, { 'main.js': 'miss', 'group.js': 'miss' });
});

test('stack traces name the bundle, its line and column, cached or not', () => {
  const cache = path.join(dir, 'c5');
  for (const run of ['miss', 'hit']) {
    if (run === 'hit') load(cache);
    const r = spawnSync(process.execPath, [runner], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CACHE: cache, THROW: '1' } });
    assert.notEqual(r.status, 0);
    // Line 1, column 30: the module wrapper Node puts around the bundle shifts nothing.
    assert.match(r.stderr, new RegExp(`Error: boom\\n\\s+at .*${bundle.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}:1:30\\b`), run);
  }
});

/** `node dist/cli.js ARGS` with the cache folder `cache` (or none): exit code and output. */
function vmctx(cache: string | undefined, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...(cache ? { VMCTX_CACHE_DIR: cache } : { VMCTX_CODE_CACHE: 'off' }), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('vmctx prints the same through the code cache (cold, warm) as without it', () => {
  assert.ok(existsSync(path.join(repoRoot, 'dist/cli.js')), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const cache = path.join(dir, 'cli-cache');
  const broken = path.join(dir, 'broken');
  writeTree(broken, { 'context/post-install': '#!/bin/sh\n', 'context/common/network': 'NETWORK=10.0.0.0\nNETMASK=255.255.255.0\nGATEWAY=10.0.9.1\n' });
  const runs = [['--version'], ['--help'], ['check', exampleProject, '--format', 'json'], ['check', broken], ['nonsense']];
  for (const args of runs) {
    const plain = vmctx(undefined, args);
    assert.deepEqual(vmctx(cache, args), plain, `vmctx ${args.join(' ')}, cold cache`);
    assert.deepEqual(vmctx(cache, args), plain, `vmctx ${args.join(' ')}, warm cache`);
  }
  assert.ok(entries(path.join(cache, 'code')).some((f) => f.startsWith('cli-')), 'no entry for dist/bundle/cli.js');
  // Node's source maps still apply when asked for (then without the cache).
  const mapped = spawnSync(process.execPath, ['--enable-source-maps', path.join(repoRoot, 'dist/cli.js'), '--version'], { encoding: 'utf8', env: { ...process.env, VMCTX_CACHE_DIR: cache } });
  assert.equal(mapped.stdout, vmctx(undefined, ['--version']).stdout);
});

test('a named pipe in place of an entry, or named like one, is passed by (opening it would block for good)', () => {
  const cache = path.join(dir, 'c-fifo');
  load(cache);
  const main = entryOf(cache, 'main');
  rmSync(main);
  for (const fifo of [main, path.join(cache, 'other-12345678.bin')]) {
    const made = spawnSync('mkfifo', [fifo]);
    assert.equal(made.status, 0, `mkfifo failed (Debian package coreutils): ${made.stderr}`);
  }
  // A limit so that a regression fails here instead of hanging the run.
  const r = spawnSync(process.execPath, [runner], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', env: { ...process.env, CACHE: cache } });
  assert.equal(r.signal, null, 'the run did not finish');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as RunResult;
  assert.deepEqual(out.out, expected());
  assert.equal(out.states['main.js'], 'miss');
  // The entry was written afresh in the pipe's place; the other pipe is left as it is.
  assert.ok(statSync(main).isFile());
  assert.ok(statSync(path.join(cache, 'other-12345678.bin')).isFIFO());
});

test('an entry far bigger than any real one is passed by unread, and written afresh at its normal size', () => {
  const cache = path.join(dir, 'c-huge');
  load(cache);
  const file = entryOf(cache, 'main');
  const good = readFileSync(file);
  // A sparse file: 512 MB on paper, no disk space. Read whole, it took 3.5 s and 531 MB once.
  const huge = 512 << 20;
  writeFileSync(file, good);
  truncateSync(file, huge);
  const r = load(cache);
  assert.deepEqual(r.out, expected());
  assert.equal(r.states['main.js'], 'stale');
  // The process never held the file (a small run peaks at about 50 MB).
  assert.ok(r.maxRssKb < 256 << 10, `peak memory ${r.maxRssKb} KB: the entry was read`);
  assert.ok(statSync(file).size < 1 << 20, `rewritten at ${statSync(file).size} bytes`);
  assert.equal(load(cache).states['main.js'], 'hit');
});

test('a folder in place of an entry is passed by: the run works and the cache goes on under a second name', () => {
  for (const contents of [{}, { 'keep.txt': 'a user\'s file\n' }] as Array<Record<string, string>>) {
    const cache = path.join(dir, `c-folder-${Object.keys(contents).length}`);
    load(cache);
    const main = entryOf(cache, 'main');
    rmSync(main);
    mkdirSync(main);
    writeTree(main, contents);
    const r = load(cache);
    assert.deepEqual(r.out, expected());
    assert.equal(r.states['main.js'], 'miss');
    // The next runs hit the entry under its second name; the folder is left as it was.
    assert.deepEqual(load(cache).states, { 'main.js': 'hit', 'group.js': 'hit' });
    assert.deepEqual(load(cache).states, { 'main.js': 'hit', 'group.js': 'hit' });
    assert.ok(statSync(main).isDirectory());
    assert.deepEqual(readdirSync(main), Object.keys(contents));
    assert.equal(entries(cache).filter((f) => f.startsWith('main-')).length, 2, 'the folder and the entry under its second name');
  }
});

test('a bundle that is not all ASCII is read as UTF-8, cold and warm (ours are made ASCII, and read as Latin-1 for speed)', () => {
  const text = 'été ✓ 𝄞';
  writeTree(dir, { 'dist2/bundle/utf8.js': `module.exports = { main: require.main === module, value: ${JSON.stringify(text)}, file: __filename, lazyCached: false };\n` });
  const cache = path.join(dir, 'c-utf8');
  for (const state of ['miss', 'hit']) {
    const r = load(cache, { BUNDLE: path.join(dir, 'dist2/bundle/utf8.js') });
    assert.equal(r.out.value, text);
    assert.equal(r.states['utf8.js'], state);
  }
});
