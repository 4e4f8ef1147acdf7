// The compiled-schema cache (src/core/io/schemaFiles.ts, relaxng/serialize.ts): a schema read
// back from the cache validates exactly as a fresh compile does; a corrupt, truncated or foreign
// entry is ignored and rewritten; an edited schema file (top or included) is compiled afresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync, cpSync, statSync, utimesSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { compileRngSchemaFile, loadRngSchemaFile, schemaCacheEntry, createDomainSchemas, SETTLED_MS } from '../../../src/core/io/schemaFiles';
import { cacheDirNote, userCacheDir } from '../../../src/core/io/userCacheDir';
import { COMPILED_SCHEMA_FORMAT, deserializeSchema, serializeSchema, SchemaFormatError } from '../../../src/core/relaxng/serialize';
import { compileRngSchema, RngSchemaError, validateText, type RngSchema } from '../../../src/core/relaxng/index';
import { defaultSettings } from '../../../src/core/settings';
import { tempDir, remove, repoRoot } from '../helpers/tempProject';

const FIX = join(__dirname, '../../fixtures/relaxng');
const CORPUS = join(__dirname, '../../fixtures/libvirt-domains');
const LIBVIRT = '/usr/share/libvirt/schemas/domain.rng';
const BUNDLED = join(repoRoot, 'schemas', 'domain-template.rng');

const verdicts = (schema: RngSchema, docs: string[]) => docs.map((t) => validateText(schema, t));

/** Loads twice through a fresh cache: the first compiles (and writes), the second must hit. */
function hitAndFresh(schemaFile: string, cache: string): { fresh: RngSchema; hit: RngSchema } {
  assert.equal(loadRngSchemaFile(schemaFile, cache).from, 'compiled');
  const second = loadRngSchemaFile(schemaFile, cache);
  assert.equal(second.from, 'hit', `${schemaFile}: the second load comes from the cache`);
  return { fresh: compileRngSchemaFile(schemaFile), hit: second.schema };
}

test('a cached schema gives the verdicts of a fresh compile: libvirt corpus, bundled schema, every fixture folder', () => {
  assert.ok(existsSync(LIBVIRT), `${LIBVIRT} is missing: install the Debian package libvirt0`);
  const cache = tempDir();
  try {
    const corpus = readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort().map((f) => readFileSync(join(CORPUS, f), 'utf8'));
    assert.equal(corpus.length, 135);
    for (const schemaFile of [LIBVIRT, BUNDLED]) {
      const { fresh, hit } = hitAndFresh(schemaFile, cache);
      const a = verdicts(fresh, corpus);
      assert.deepEqual(verdicts(hit, corpus), a, schemaFile);
      assert.ok(a.some((d) => d.length > 0) && a.some((d) => d.length === 0), 'the corpus has valid and invalid documents');
    }
    let folders = 0;
    for (const dir of readdirSync(FIX, { withFileTypes: true })) {
      const schemaFile = join(FIX, dir.name, 'schema.rng');
      if (!dir.isDirectory() || !existsSync(schemaFile)) continue;
      const docs = readdirSync(join(FIX, dir.name)).filter((f) => f.endsWith('.xml')).sort().map((f) => readFileSync(join(FIX, dir.name, f), 'utf8'));
      const { fresh, hit } = hitAndFresh(schemaFile, cache);
      assert.deepEqual(verdicts(hit, docs), verdicts(fresh, docs), dir.name);
      // The ID table (DTD compatibility) and the element declarations travel too.
      assert.equal(hit.ids === undefined, fresh.ids === undefined, dir.name);
      assert.equal(hit.decls.length, fresh.decls.length, dir.name);
      folders++;
    }
    assert.ok(folders >= 15, `${folders} fixture folders`);
  } finally {
    remove(cache);
  }
});

test('another build of the program (a second installed version) keeps its own entry: neither recompiles over the other', () => {
  const cache = tempDir();
  try {
    const schemaFile = join(FIX, 'interleave', 'schema.rng');
    assert.equal(loadRngSchemaFile(schemaFile, cache).from, 'compiled');
    const ours = schemaCacheEntry(cache, schemaFile);
    const header = JSON.parse(readFileSync(ours, 'utf8').split('\n')[0]);
    const otherEngine = header.engine.replace(/:(\d+):/, (_m: string, size: string) => `:${Number(size) + 1}:`);
    const theirs = schemaCacheEntry(cache, schemaFile, otherEngine);
    const theirText = readFileSync(ours, 'utf8').replace(header.engine, otherEngine);
    writeFileSync(theirs, theirText);
    assert.notEqual(theirs, ours);
    assert.equal(loadRngSchemaFile(schemaFile, cache).from, 'hit');
    assert.equal(readFileSync(theirs, 'utf8'), theirText, "the other build's entry is left as it was");
  } finally {
    remove(cache);
  }
});

test('a corrupt, truncated or foreign cache entry is ignored, recompiled and rewritten', () => {
  const cache = tempDir();
  try {
    const schemaFile = join(FIX, 'interleave', 'schema.rng');
    const bad = readFileSync(join(FIX, 'interleave', 'bad-value.xml'), 'utf8');
    const expected = validateText(compileRngSchemaFile(schemaFile), bad);
    assert.ok(expected.length > 0);
    loadRngSchemaFile(schemaFile, cache);
    const entry = schemaCacheEntry(cache, schemaFile);
    const good = readFileSync(entry, 'utf8');
    const nl = good.indexOf('\n');
    const header = JSON.parse(good.slice(0, nl));
    const body = good.slice(nl + 1);
    const damaged: Record<string, string | Buffer> = {
      empty: '',
      truncated: good.slice(0, Math.floor(good.length / 2)),
      'binary garbage': Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x80]),
      'one byte of the body changed': good.slice(0, nl + 20) + (good[nl + 20] === '1' ? '2' : '1') + good.slice(nl + 21),
      'another program': JSON.stringify({ ...header, magic: 'something else' }) + '\n' + body,
      'another engine': JSON.stringify({ ...header, engine: 'older' }) + '\n' + body,
      'another schema path': JSON.stringify({ ...header, schema: '/elsewhere/schema.rng' }) + '\n' + body,
      // A body whose checksum matches but which is not a compiled schema: refused by the reader.
      'well-formed lie': (() => {
        const lie = JSON.stringify({ format: COMPILED_SCHEMA_FORMAT, nc: [], dt: [], p: [[5, 7, 9]], decls: [], declCount: 0, start: 0, ids: null });
        return JSON.stringify({ ...header, body: `crc32:${crc32(lie).toString(16)}` }) + '\n' + lie;
      })(),
    };
    for (const [what, content] of Object.entries(damaged)) {
      writeFileSync(entry, content);
      const r = loadRngSchemaFile(schemaFile, cache);
      assert.equal(r.from, 'compiled', what);
      assert.deepEqual(validateText(r.schema, bad), expected, what);
      assert.equal(readFileSync(entry, 'utf8'), good, `${what}: the entry is rewritten`);
      assert.equal(loadRngSchemaFile(schemaFile, cache).from, 'hit', `${what}: then used`);
    }
    assert.deepEqual(readdirSync(join(cache, 'rng')), [entry.split('/').pop()], 'no temporaries left behind');
  } finally {
    remove(cache);
  }
});

test('the entry is compiled afresh when the schema or a file it includes changes', () => {
  const dir = tempDir();
  const cache = join(dir, 'cache');
  try {
    cpSync(join(FIX, 'include-override'), join(dir, 'schema'), { recursive: true });
    const schemaFile = join(dir, 'schema', 'schema.rng');
    const doc = readFileSync(join(dir, 'schema', 'ok.xml'), 'utf8');
    assert.equal(loadRngSchemaFile(schemaFile, cache).from, 'compiled');
    const before = loadRngSchemaFile(schemaFile, cache);
    assert.equal(before.from, 'hit');
    assert.deepEqual(validateText(before.schema, doc), []);
    // The included base.rng changes: <os> now needs an attribute the document lacks.
    const base = join(dir, 'schema', 'base.rng');
    writeFileSync(base, readFileSync(base, 'utf8').replace('<element name="os">', '<element name="os"><attribute name="arch"/>'));
    const after = loadRngSchemaFile(schemaFile, cache);
    assert.equal(after.from, 'compiled');
    assert.match(validateText(after.schema, doc).map((d) => d.message).join('\n'), /missing required attribute "arch"/);
    assert.equal(loadRngSchemaFile(schemaFile, cache).from, 'hit');
    // The top file changes: the same.
    writeFileSync(schemaFile, readFileSync(schemaFile, 'utf8').replace('<value>exe</value>', '<value>exe</value><value>xen</value>'));
    assert.equal(loadRngSchemaFile(schemaFile, cache).from, 'compiled');
    // An included file that disappears: a schema error, as without a cache.
    writeFileSync(base, 'not xml');
    assert.throws(() => loadRngSchemaFile(schemaFile, cache), RngSchemaError);
  } finally {
    remove(dir);
  }
});

test('a settled schema is trusted by its identity, not hashed; a rewrite with the size kept and the mtime set back is still seen', () => {
  const dir = tempDir();
  const cache = join(dir, 'cache');
  try {
    cpSync(join(FIX, 'include-override'), join(dir, 'schema'), { recursive: true });
    const schemaFile = join(dir, 'schema', 'schema.rng');
    const base = join(dir, 'schema', 'base.rng');
    const doc = readFileSync(join(dir, 'schema', 'ok.xml'), 'utf8');
    // A whole second, which utimes can set back exactly.
    const second = Math.floor(Date.now() / 1000) - 60;
    utimesSync(base, second, second);
    // Files changed within SETTLED_MS of their read are not trusted by identity: wait until they are settled.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLED_MS + 200);
    assert.equal(loadRngSchemaFile(schemaFile, cache).from, 'compiled');
    const warm = loadRngSchemaFile(schemaFile, cache);
    assert.equal(warm.from, 'hit');
    assert.deepEqual(warm.hashed, [], 'a warm load hashes no file');
    assert.deepEqual(validateText(warm.schema, doc), []);
    // Same size, same bytes but one, mtime (and atime) set back: only ctime tells.
    const before = statSync(base);
    const text = readFileSync(base, 'utf8');
    const edited = text.replace('<element name="os">', '<element name="OS">');
    assert.notEqual(edited, text);
    assert.equal(edited.length, text.length);
    writeFileSync(base, edited);
    utimesSync(base, second, second);
    assert.equal(statSync(base).mtimeMs, before.mtimeMs);
    assert.equal(statSync(base).size, before.size);
    const after = loadRngSchemaFile(schemaFile, cache);
    assert.equal(after.from, 'compiled', 'the rewritten include is seen');
    assert.notDeepEqual(validateText(after.schema, doc), [], 'and the document is validated against the new schema');
    // The same bytes put back with a new mtime: hashed once, found equal, and recorded again.
    writeFileSync(base, text);
    const fresh = loadRngSchemaFile(schemaFile, cache);
    assert.equal(fresh.from, 'compiled');
    // Loaded again before it settles: hashed (it cannot be trusted yet), and the entry is not written again for nothing.
    const entry = schemaCacheEntry(cache, schemaFile);
    const written = statSync(entry, { bigint: true });
    const early = loadRngSchemaFile(schemaFile, cache);
    assert.equal(early.from, 'hit');
    assert.deepEqual(early.hashed, [base]);
    const unchanged = statSync(entry, { bigint: true });
    // (A hit touches the entry, for the pruning of old entries: its inode tells whether it was written anew.)
    assert.equal(unchanged.ino, written.ino, 'the entry is not written again');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLED_MS + 200);
    const touched = loadRngSchemaFile(schemaFile, cache);
    assert.equal(touched.from, 'hit');
    assert.deepEqual(touched.hashed, [base], 'the file compiled while unsettled is hashed, once');
    assert.deepEqual(loadRngSchemaFile(schemaFile, cache).hashed, [], 'then trusted by its recorded identity');
    assert.deepEqual(validateText(touched.schema, doc), []);
  } finally {
    remove(dir);
  }
});

test('schemas with errors are not cached; an unwritable cache folder only costs the compile', () => {
  const dir = tempDir();
  try {
    const broken = join(FIX, 'schema-errors', readdirSync(join(FIX, 'schema-errors')).filter((f) => f.endsWith('.rng')).sort()[0]);
    const cache = join(dir, 'cache');
    assert.throws(() => loadRngSchemaFile(broken, cache), RngSchemaError);
    assert.throws(() => loadRngSchemaFile(broken, cache), RngSchemaError);
    assert.equal(existsSync(schemaCacheEntry(cache, broken)), false);
    // The cache folder's place is taken by a file: nothing can be written there.
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file, not a folder');
    const schemaFile = join(FIX, 'interleave', 'schema.rng');
    assert.equal(loadRngSchemaFile(schemaFile, blocked).from, 'compiled');
    assert.equal(loadRngSchemaFile(schemaFile, blocked).from, 'compiled');
    // null: no cache at all.
    assert.equal(loadRngSchemaFile(schemaFile, null).from, 'compiled');
  } finally {
    remove(dir);
  }
});

test('the domain schemas of check and build go through the cache', () => {
  const cache = tempDir();
  try {
    const settings = { ...defaultSettings, libvirt: { ...defaultSettings.libvirt, schemaDirectory: join(cache, 'no-libvirt-here') } };
    const first = createDomainSchemas(BUNDLED, cache).load(settings);
    assert.equal(first?.kind, 'bundled');
    assert.ok(existsSync(schemaCacheEntry(cache, BUNDLED)));
    const second = createDomainSchemas(BUNDLED, cache).load(settings);
    const doc = readFileSync(join(CORPUS, readdirSync(CORPUS).filter((f) => f.endsWith('.xml')).sort()[0]), 'utf8');
    assert.deepEqual(validateText(second!.schema, doc), validateText(first!.schema, doc));
  } finally {
    remove(cache);
  }
});

test('serialized schemas: a round trip keeps the schema; malformed text is a SchemaFormatError', () => {
  const schema = compileRngSchemaFile(join(FIX, 'id-idref', 'schema.rng'));
  const text = serializeSchema(schema);
  // The read is lazy, so patterns are numbered in the order they are built: written again, the
  // schema has the same parts, possibly numbered otherwise, and validates alike.
  const again = deserializeSchema(text, schema.file);
  const [x, y] = [JSON.parse(text), JSON.parse(serializeSchema(again))];
  for (const k of ['p', 'nc', 'dt', 'decls']) assert.equal(y[k].length, x[k].length, k);
  assert.deepEqual(y.ids, x.ids);
  const docs = readdirSync(join(FIX, 'id-idref')).filter((f) => f.endsWith('.xml')).map((f) => readFileSync(join(FIX, 'id-idref', f), 'utf8'));
  assert.ok(docs.length >= 2);
  assert.deepEqual(verdicts(again, docs), verdicts(schema, docs));
  // Every entry is checked before anything is built: a bad one deep in the body fails the read
  // (the cache then compiles), never a later validation.
  const edited = (edit: (c: { p: number[][]; decls: number[][] }) => void) => {
    const c = JSON.parse(text);
    edit(c);
    return JSON.stringify(c);
  };
  const last = x.p.length - 1;
  const deep = [
    edited((c) => (c.p[last] = [99])),
    edited((c) => (c.p[last] = [5, last, 0])),
    edited((c) => (c.p[last] = [3, 0])),
    edited((c) => (c.decls[c.decls.length - 1] = [0, last + 1])),
  ];
  for (const bad of ['', '[]', '{"format":999}', text.replace(`"format":${COMPILED_SCHEMA_FORMAT}`, '"format":0'), text.replace(/"start":\d+/, '"start":99999'), ...deep]) {
    assert.throws(() => deserializeSchema(bad, 'x.rng'), SchemaFormatError, bad.slice(0, 40));
  }
});

test('the compiled form keeps the translations of pattern facets; malformed ones fail the read, a damaged source is compiled again', () => {
  // Expressions of this test alone: datatypes are shared within a process by their parameters.
  const schemaText = (pattern: string) => `<element name="r" xmlns="http://relaxng.org/ns/structure/1.0" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <oneOrMore><element name="v"><data type="string"><param name="pattern">${pattern}</param><param name="pattern">[a-z0-9]+</param></data></element></oneOrMore>
</element>`;
  const docs = ['<r><v>abc7</v></r>', '<r><v>abc</v><v>7abc</v></r>', `<r><v>${'q'.repeat(300)}7</v></r>`];
  const read = (pattern: string, edit?: (dt: unknown[][]) => void) => {
    const text = serializeSchema(compileRngSchema('/s/translations.rng', () => schemaText(pattern)));
    const c = JSON.parse(text);
    const dt = c.dt.find((e: unknown[]) => (e[2] as string[][]).some((p) => p[1] === pattern));
    assert.deepEqual(dt[3].map((t: unknown[]) => t[1]), [1, 0], 'two translations, the first with the linear matcher for long texts');
    edit?.(dt);
    return deserializeSchema(JSON.stringify(c), '/s/translations.rng');
  };
  const expected = (pattern: string) => verdicts(compileRngSchema('/s/translations.rng', () => schemaText(pattern)), docs);
  const p1 = 'q*[a-z]*[0-9]{1,2}';
  assert.deepEqual(verdicts(read(p1), docs), expected(p1));
  assert.deepEqual(expected(p1).map((d) => d.length), [0, 2, 0], 'the second document is invalid twice, the long text valid');
  assert.throws(() => read('q*[a-z]*[0-9]{1,3}', (dt) => ((dt[3] as unknown[][])[0][1] = 7)), SchemaFormatError);
  assert.throws(() => read('q*[a-z]*[0-9]{1,4}', (dt) => (dt[3] as unknown[]).pop()), SchemaFormatError);
  assert.throws(() => read('q*[a-z]*[0-9]{1,5}', (dt) => ((dt as unknown[])[3] = 'x')), SchemaFormatError);
  const p2 = 'q*[a-z]*[0-9]{1,6}';
  assert.deepEqual(verdicts(read(p2, (dt) => ((dt[3] as unknown[][])[0][0] = '^(?:[a-')), docs), expected(p2));
});

test('the user cache folder: XDG_CACHE_HOME, ~/.cache, %LOCALAPPDATA%, ~/Library/Caches', () => {
  assert.equal(userCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/u'), '/x/cache/vm-context');
  assert.equal(userCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u'), '/home/u/.cache/vm-context');
  assert.equal(userCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/vm-context');
  assert.equal(userCacheDir({}, 'linux', ''), undefined);
  assert.equal(userCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Local\\vm-context');
  assert.equal(userCacheDir({}, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Local\\vm-context');
  assert.equal(userCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/vm-context');
  assert.equal(userCacheDir({ VMCTX_CACHE_DIR: '/tmp/c', XDG_CACHE_HOME: '/x/cache' }, 'linux', '/home/u'), '/tmp/c');
  assert.equal(userCacheDir({ VMCTX_CACHE_DIR: 'D:\\cache' }, 'win32', 'C:\\Users\\u'), 'D:\\cache');
  assert.equal(userCacheDir({ VMCTX_CACHE_DIR: 'relative' }, 'linux', '/home/u'), '/home/u/.cache/vm-context');
});

test('a relative VMCTX_CACHE_DIR is ignored, and the adapters are told why and where the cache is instead', () => {
  assert.equal(cacheDirNote({ VMCTX_CACHE_DIR: '/tmp/c' }, 'linux', '/home/u'), undefined);
  assert.equal(cacheDirNote({}, 'linux', '/home/u'), undefined);
  assert.equal(cacheDirNote({ VMCTX_CACHE_DIR: 'D:\\cache' }, 'win32', 'C:\\Users\\u'), undefined);
  assert.equal(
    cacheDirNote({ VMCTX_CACHE_DIR: 'cache' }, 'linux', '/home/u'),
    'VMCTX_CACHE_DIR=cache is ignored: it must be an absolute path (a relative one would be another folder wherever vmctx runs); the cache is in /home/u/.cache/vm-context',
  );
  assert.match(cacheDirNote({ VMCTX_CACHE_DIR: './c' }, 'linux', '')!, /is ignored: .*; no cache is kept$/);
});
