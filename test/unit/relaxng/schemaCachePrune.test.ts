// Pruning of the compiled-schema cache (src/core/io/schemaCachePrune.ts), in a temporary cache
// folder: entries an older build of the same program wrote, entries unused for 30 days and all
// but the most recently used go, at most once a day after a new entry is written; a hit marks
// its entry used; nothing but our entries and dead writers' temporaries is ever removed; a
// marker that is not a file (a folder, a link, a pipe) is replaced, never written through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadRngSchemaFile, schemaCacheEntry } from '../../../src/core/io/schemaFiles';
import { PRUNED_MARKER, pruneSchemaCache, schemaCachePrune } from '../../../src/core/io/schemaCachePrune';
import { remove, tempDir } from '../helpers/tempProject';

const FIX = join(__dirname, '../../fixtures/relaxng');
const DAY = 24 * 60 * 60 * 1000;

/** A copy of a fixture schema at a path of its own (one cache entry per schema path). */
function schemaCopy(dir: string, name: string): string {
  const folder = join(dir, 'schemas', name);
  cpSync(join(FIX, 'interleave'), folder, { recursive: true });
  return join(folder, 'schema.rng');
}

const age = (file: string, days: number) => {
  const t = new Date(Date.now() - days * DAY);
  utimesSync(file, t, t);
};

/** A file that looks like an entry, with `engine` in its header. */
function fakeEntry(rng: string, hex: string, engine: string, days = 0): string {
  const file = join(rng, `${hex.repeat(32).slice(0, 32)}.json`);
  writeFileSync(file, `${JSON.stringify({ magic: 'vm-context compiled RELAX NG schema', engine, schema: '/x.rng', files: [], body: '' })}\n{}`);
  age(file, days);
  return file;
}

/** Loads `schema` as a new entry and waits for the prune it starts (if one is due). */
async function loadNew(schema: string, cache: string): Promise<string[] | undefined> {
  const before = schemaCachePrune();
  assert.equal(loadRngSchemaFile(schema, cache).from, 'compiled');
  const started = schemaCachePrune();
  return started === before ? undefined : await started;
}

test('after a new entry: older builds of the program, entries unused for 30 days and dead temporaries go; other files stay', async () => {
  const dir = tempDir();
  try {
    const cache = join(dir, 'cache');
    const rng = join(cache, 'rng');
    // The first entry ever: a prune is due (never pruned), and finds nothing to remove.
    assert.deepEqual(await loadNew(schemaCopy(dir, 'a'), cache), []);
    assert.ok(existsSync(join(rng, PRUNED_MARKER)));
    const a = schemaCacheEntry(cache, schemaCopy(dir, 'a'));
    const engine = JSON.parse(readFileSync(a, 'utf8').split('\n')[0]).engine as string;
    assert.match(engine, /^\d+\/[^/]+:\d+:[\d.]+\//, engine);

    const olderBuild = fakeEntry(rng, '1', engine.replace(/:(\d+):/, (_m, size) => `:${Number(size) + 1}:`));
    const olderFormat = fakeEntry(rng, '2', engine.replace(/^\d+/, '0'));
    const otherProgram = fakeEntry(rng, '3', '1/extension.js:1000:1');
    const unused = fakeEntry(rng, '4', engine, 31);
    const used = fakeEntry(rng, '5', engine, 29);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const temporary = join(rng, `.${'6'.repeat(32)}.json.tmp-${gone}-a1b2c3`);
    writeFileSync(temporary, 'half');
    // Not entries: never removed, however old.
    const foreign = ['notes.txt', `${'A'.repeat(32)}.json`, `${'7'.repeat(31)}.json`, `${'8'.repeat(32)}.json.bak`];
    for (const f of foreign) {
      writeFileSync(join(rng, f), 'mine');
      age(join(rng, f), 400);
    }
    mkdirSync(join(rng, `${'9'.repeat(32)}.json`));
    age(join(rng, `${'9'.repeat(32)}.json`), 400);

    // Pruned a day ago: due again.
    age(join(rng, PRUNED_MARKER), 1.01);
    const removed = await loadNew(schemaCopy(dir, 'b'), cache);
    assert.deepEqual(removed?.sort(), [temporary, olderBuild, olderFormat, unused].sort());
    const b = schemaCacheEntry(cache, schemaCopy(dir, 'b'));
    assert.deepEqual(readdirSync(rng).sort(), [PRUNED_MARKER, ...foreign, `${'9'.repeat(32)}.json`, ...[a, b, otherProgram, used].map((f) => f.slice(rng.length + 1))].sort());
  } finally {
    remove(dir);
  }
});

test('at most one prune a day; a hit marks its entry used, so age counts from the last use', async () => {
  const dir = tempDir();
  try {
    const cache = join(dir, 'cache');
    const rng = join(cache, 'rng');
    const a = schemaCopy(dir, 'a');
    await loadNew(a, cache);
    const entry = schemaCacheEntry(cache, a);
    age(entry, 40);
    // A hit: the entry is touched, not rewritten, and no prune starts.
    const before = schemaCachePrune();
    assert.equal(loadRngSchemaFile(a, cache).from, 'hit');
    assert.equal(schemaCachePrune(), before);
    assert.ok(Date.now() - statSync(entry).mtimeMs < DAY, 'the hit marked the entry used');

    // Pruned less than a day ago: a new entry starts no prune, an unused one stays for now.
    const unused = fakeEntry(rng, 'c', 'whatever', 40);
    age(join(rng, PRUNED_MARKER), 0.5);
    assert.equal(await loadNew(schemaCopy(dir, 'b'), cache), undefined);
    assert.ok(existsSync(unused));
    age(join(rng, PRUNED_MARKER), 2);
    assert.deepEqual(await loadNew(schemaCopy(dir, 'c'), cache), [unused]);
    assert.ok(existsSync(entry), 'used at the hit: kept');
  } finally {
    remove(dir);
  }
});

test('the total is bounded: the most recently used stay, the entry just written always', async () => {
  const dir = tempDir();
  try {
    const rng = join(dir, 'rng');
    mkdirSync(rng);
    const entries = ['a', 'b', 'c', 'd', 'e'].map((hex, i) => fakeEntry(rng, hex, 'e', i + 1));
    // The entry just written, with an old time (a clock gone back): kept anyway.
    const current = fakeEntry(rng, 'f', 'e', 10);
    const removed = await pruneSchemaCache(rng, current, { unusedFor: 30 * DAY, keep: 3, every: DAY });
    assert.deepEqual(removed.sort(), entries.slice(2).sort());
    assert.deepEqual(readdirSync(rng).sort(), [PRUNED_MARKER, ...[entries[0], entries[1], current].map((f) => f.slice(rng.length + 1))].sort());
  } finally {
    remove(dir);
  }
});

test('a marker that is not a file is replaced, not written through; a non-empty folder in its place stays and the prune still runs', async () => {
  const dir = tempDir();
  try {
    const outside = join(dir, 'precious.txt');
    writeFileSync(outside, 'keep me');
    const cases: Array<[string, (marker: string) => void]> = [
      ['an empty folder', (m) => mkdirSync(m)],
      ['a link to a file', (m) => symlinkSync(outside, m)],
      ['a dangling link', (m) => symlinkSync(join(dir, 'nowhere'), m)],
      ['a named pipe', (m) => execFileSync('mkfifo', [m])],
    ];
    for (const [what, make] of cases) {
      const cache = join(dir, what.replace(/ /g, '-'));
      const rng = join(cache, 'rng');
      mkdirSync(rng, { recursive: true });
      const marker = join(rng, PRUNED_MARKER);
      make(marker);
      const unused = fakeEntry(rng, 'd', 'whatever', 40);
      assert.deepEqual(await loadNew(schemaCopy(dir, 'a'), cache), [unused], what);
      assert.ok(lstatSync(marker).isFile(), `${what}: a file in its place`);
      assert.equal(readFileSync(outside, 'utf8'), 'keep me', `${what}: nothing written through it`);
      // Marked now: the next new entry starts no prune.
      assert.equal(await loadNew(schemaCopy(dir, 'b'), cache), undefined, what);
    }
    // A user's folder with something in it is never removed: the prune runs without a marker.
    const cache = join(dir, 'full');
    const rng = join(cache, 'rng');
    mkdirSync(join(rng, PRUNED_MARKER), { recursive: true });
    writeFileSync(join(rng, PRUNED_MARKER, 'notes'), 'mine');
    const unused = fakeEntry(rng, 'd', 'whatever', 40);
    assert.deepEqual(await loadNew(schemaCopy(dir, 'a'), cache), [unused]);
    assert.equal(readFileSync(join(rng, PRUNED_MARKER, 'notes'), 'utf8'), 'mine');
    assert.equal(loadRngSchemaFile(schemaCopy(dir, 'a'), cache).from, 'hit');
  } finally {
    remove(dir);
  }
});
