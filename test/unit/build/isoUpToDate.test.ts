// The embedded writer's image is rebuilt only when its inputs changed, and no file is hashed to
// build it: the record keeps each file's size, mtime, inode and where its bytes lie in the image.
// A file whose identity changed is compared with those bytes: the same bytes keep the image up
// to date, other bytes (even at the same size, mtime or inode) rebuild it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { planBuild, runBuild } from '../../../src/core/build/buildEngine';
import type { BuildInputs } from '../../../src/core/build/buildInputs';
import { parseState, serializeState } from '../../../src/core/build/buildState';
import { imageHoldsFile } from '../../../src/core/io/isoFile';
import { sampleHash } from '../../../src/core/io/fileIdentityCheck';
import { remove, tempDir, writeTree } from '../helpers/tempProject';

// A fixed image date: touching a file then changes no byte of the image.
const env = { SOURCE_DATE_EPOCH: '1700000000' };
const blobBytes = Buffer.from(Array.from({ length: (9 << 20) + 123 }, (_, i) => (i * 7919) % 251));

function project(): { dir: string; inputs: BuildInputs; file: (rel: string) => string } {
  const dir = tempDir();
  writeTree(dir, {
    'context/post-install': '#!/bin/sh\necho hi\n',
    'context/empty': '',
    // Larger than the writer's 4 MiB window and the comparison's 1 MiB chunks.
    'context/big/blob.bin': blobBytes,
    'context/big/small.txt': 'x'.repeat(5000),
  });
  symlinkSync('big/small.txt', path.join(dir, 'context/link'));
  const inputs: BuildInputs = {
    projectDir: dir,
    contextDir: path.join(dir, 'context'),
    iso: { path: path.join(dir, 'build/context.iso'), label: 'CONTEXT' },
    overlays: [],
    stateFile: path.join(dir, 'build/.vmcontext-build.json'),
  };
  return { dir, inputs, file: (rel) => path.join(dir, 'context', rel) };
}

async function build(inputs: BuildInputs, force = false, isoBackend?: 'genisoimage') {
  const plan = await planBuild(inputs, { only: 'iso', env, force, isoBackend });
  const result = await runBuild(plan, inputs, { only: 'iso', env, force, isoBackend });
  assert.equal(result.ok, true, JSON.stringify(result.outcomes));
  return { plan, result, state: parseState(readFileSync(inputs.stateFile, 'utf8')), message: result.outcomes[0]?.message ?? result.skipped[0]?.reason };
}

function imageBytes(image: string, sector: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  const fd = openSync(image, 'r');
  try {
    readSync(fd, out, 0, size, sector * 2048);
  } finally {
    closeSync(fd);
  }
  return out;
}

test('the record says where each file lies in the image: its bytes are there', async () => {
  const { dir, inputs, file } = project();
  try {
    const first = await build(inputs);
    assert.match(first.message, /^new;/);
    const files = ['post-install', 'empty', 'big/blob.bin', 'big/small.txt'].map(file);
    assert.deepEqual(Object.keys(first.state.files).sort(), [...files].sort());
    for (const f of files) {
      const r = first.state.files[f];
      const st = statSync(f);
      assert.deepEqual([r.size, r.mtimeMs, r.ino, r.sha256], [st.size, st.mtimeMs, st.ino, undefined], f);
      assert.deepEqual(imageBytes(inputs.iso.path, r.sector!, r.size), readFileSync(f), f);
    }
    assert.equal(first.state.files[file('empty')].sector, 0);
    assert.equal(first.state.iso?.size, statSync(inputs.iso.path).size);
    // The writer hashed the sample from the bytes it wrote: the same as reading the image.
    assert.equal(first.state.iso?.sample, await sampleHash(inputs.iso.path, statSync(inputs.iso.path).size));
  } finally {
    remove(dir);
  }
});

test('unchanged, touched or replaced by the same bytes: up to date; other bytes: rebuilt', async () => {
  const { dir, inputs, file } = project();
  try {
    const first = await build(inputs);
    const image = readFileSync(inputs.iso.path);

    // Nothing changed: up to date from the record alone.
    const second = await build(inputs);
    assert.deepEqual(second.plan.steps, []);
    assert.match(second.message, /^up to date/);

    // --force: the same input hash, the same image.
    const forced = await build(inputs, true);
    assert.equal(forced.state.iso?.inputHash, first.state.iso?.inputHash);
    assert.deepEqual(readFileSync(inputs.iso.path), image);

    // A new mtime, the same bytes: compared with the image, up to date, and the new mtime kept
    // in the record (the next build does not compare it again).
    const blob = file('big/blob.bin');
    utimesSync(blob, new Date(), new Date(Date.now() + 5000));
    const touched = await build(inputs);
    assert.deepEqual(touched.plan.steps, []);
    assert.equal(touched.state.files[blob].mtimeMs, statSync(blob).mtimeMs);

    // A new inode holding the same bytes (an editor's save through a temporary file): up to date.
    writeFileSync(path.join(dir, 'tmp'), blobBytes);
    renameSync(path.join(dir, 'tmp'), blob);
    const replaced = await build(inputs);
    assert.deepEqual(replaced.plan.steps, []);
    assert.equal(replaced.state.files[blob].ino, statSync(blob).ino);

    // The same size and a new mtime, one byte changed in the last MiB: rebuilt, with it.
    const changed = Buffer.from(blobBytes);
    changed[changed.length - 10] ^= 1;
    writeFileSync(blob, changed);
    utimesSync(blob, new Date(), new Date(Date.now() + 10000));
    const rebuilt = await build(inputs);
    assert.match(rebuilt.message, /^the context or the options changed;/);
    const r = rebuilt.state.files[blob];
    assert.deepEqual(imageBytes(inputs.iso.path, r.sector!, r.size), changed);

    // A new inode with the same size and mtime, other bytes: rebuilt.
    const small = file('big/small.txt');
    const st = statSync(small);
    writeFileSync(path.join(dir, 'tmp'), 'y'.repeat(5000));
    utimesSync(path.join(dir, 'tmp'), st.atime, st.mtime);
    renameSync(path.join(dir, 'tmp'), small);
    assert.notEqual(statSync(small).ino, st.ino);
    const swapped = await build(inputs);
    assert.match(swapped.message, /^the context or the options changed;/);
    assert.equal(await build(inputs).then((b) => b.plan.steps.length), 0);
  } finally {
    remove(dir);
  }
});

test('rewritten in place with its size kept and its mtime set back (the change time tells), or the context folder\'s own mode changed: rebuilt', async () => {
  const { dir, inputs, file } = project();
  try {
    const small = file('big/small.txt');
    // A whole second, which utimes sets back exactly.
    utimesSync(small, 1_600_000_000, 1_600_000_000);
    await build(inputs);
    const st = statSync(small);
    writeFileSync(small, 'z'.repeat(5000));
    utimesSync(small, 1_600_000_000, 1_600_000_000);
    assert.deepEqual([statSync(small).size, statSync(small).mtimeMs, statSync(small).ino], [st.size, st.mtimeMs, st.ino]);
    const rewritten = await build(inputs);
    assert.match(rewritten.message, /^the context or the options changed;/);
    assert.equal(await build(inputs).then((b) => b.plan.steps.length), 0);

    // The image's root directory takes the context folder's mode (a 0700 root hides the CD from
    // every user but root in the guest).
    chmodSync(inputs.contextDir, 0o700);
    const chmodded = await build(inputs);
    assert.match(chmodded.message, /^the context or the options changed;/);
    assert.equal(await build(inputs).then((b) => b.plan.steps.length), 0);
  } finally {
    remove(dir);
  }
});

test('an external tool\'s image (genisoimage): a file rewritten in place with its size kept and its mtime set back is hashed again and the image rebuilt', async () => {
  const { dir, inputs, file } = project();
  try {
    const small = file('big/small.txt');
    utimesSync(small, 1_600_000_000, 1_600_000_000);
    const first = await build(inputs, false, 'genisoimage');
    assert.match(first.message, /^new\b/);
    assert.equal(await build(inputs, false, 'genisoimage').then((b) => b.plan.steps.length), 0);
    const st = statSync(small);
    writeFileSync(small, 'z'.repeat(5000));
    utimesSync(small, 1_600_000_000, 1_600_000_000);
    assert.deepEqual([statSync(small).size, statSync(small).mtimeMs, statSync(small).ino], [st.size, st.mtimeMs, st.ino]);
    const rewritten = await build(inputs, false, 'genisoimage');
    assert.match(rewritten.message, /^the context or the options changed\b/);
    assert.notEqual(rewritten.state.iso?.inputHash, first.state.iso?.inputHash);
    assert.ok(readFileSync(inputs.iso.path).includes(Buffer.from('z'.repeat(2048))), 'the new bytes are in the image');
    assert.equal(await build(inputs, false, 'genisoimage').then((b) => b.plan.steps.length), 0);
  } finally {
    remove(dir);
  }
});

test('a record of an earlier vm-context (no change times) still loads: its files are read once more, and only other bytes rebuild the image', async () => {
  const { dir, inputs, file } = project();
  const dropCtimes = () => {
    const state = parseState(readFileSync(inputs.stateFile, 'utf8'));
    for (const r of Object.values(state.files)) delete r.ctimeMs;
    writeFileSync(inputs.stateFile, serializeState(state));
  };
  try {
    const small = file('big/small.txt');
    for (const backend of ['genisoimage', undefined] as const) {
      utimesSync(small, 1_600_000_000, 1_600_000_000);
      await build(inputs, true, backend);
      const image = statSync(inputs.iso.path);
      dropCtimes();
      const again = await build(inputs, false, backend);
      assert.deepEqual(again.plan.steps, [], String(backend));
      assert.equal(statSync(inputs.iso.path).mtimeMs, image.mtimeMs);
      for (const r of Object.values(again.state.files)) assert.equal(typeof r.ctimeMs, 'number', 'the record takes the change times');

      const st = statSync(small);
      dropCtimes();
      writeFileSync(small, (backend ?? 'e').repeat(5000).slice(0, 5000));
      utimesSync(small, 1_600_000_000, 1_600_000_000);
      assert.deepEqual([statSync(small).size, statSync(small).mtimeMs, statSync(small).ino], [st.size, st.mtimeMs, st.ino]);
      const rebuilt = await build(inputs, false, backend);
      assert.match(rebuilt.message, /^the context or the options changed\b/, String(backend));
    }
  } finally {
    remove(dir);
  }
});

test('the image itself: a chmod/chown alone (libvirt, a VM using it in place) keeps it up to date by its sample; rewritten with its size and mtime kept, or recorded by an earlier vm-context: rebuilt', async () => {
  const { dir, inputs } = project();
  const iso = inputs.iso.path;
  const later = () => new Promise((r) => setTimeout(r, 30));
  try {
    for (const backend of [undefined, 'genisoimage'] as const) {
      const first = await build(inputs, true, backend);
      assert.ok(first.state.iso?.size && first.state.iso.size > 8 << 20, 'larger than a whole-file sample');
      assert.deepEqual([first.state.iso.ino, first.state.iso.ctimeMs], [statSync(iso).ino, statSync(iso).ctimeMs]);
      assert.match(first.state.iso.sample ?? '', /^[0-9a-f]{64}$/);
      // A whole second, which utimes sets back exactly; the record as if the image had been written with it.
      utimesSync(iso, 1_600_000_000, 1_600_000_000);
      const recorded = parseState(readFileSync(inputs.stateFile, 'utf8'));
      Object.assign(recorded.iso!, { mtimeMs: statSync(iso).mtimeMs, ctimeMs: statSync(iso).ctimeMs });
      writeFileSync(inputs.stateFile, serializeState(recorded));
      assert.deepEqual((await build(inputs, false, backend)).plan.steps, []);

      await later();
      const st = statSync(iso);
      chmodSync(iso, 0o600);
      assert.notEqual(statSync(iso).ctimeMs, st.ctimeMs);
      const chmodded = await build(inputs, false, backend);
      assert.deepEqual(chmodded.plan.steps, [], String(backend));
      assert.equal(chmodded.state.iso?.ctimeMs, statSync(iso).ctimeMs, 'the record takes the new change time');
      assert.equal(statSync(iso).mtimeMs, st.mtimeMs);

      // One byte of the primary volume descriptor, the size and mtime kept.
      await later();
      const fd = openSync(iso, 'r+');
      try {
        writeSync(fd, Buffer.from('X'), 0, 1, 16 * 2048 + 40);
      } finally {
        closeSync(fd);
      }
      utimesSync(iso, st.atime, st.mtime);
      assert.deepEqual([statSync(iso).size, statSync(iso).mtimeMs, statSync(iso).ino], [st.size, st.mtimeMs, st.ino]);
      const rewritten = await build(inputs, false, backend);
      assert.match(rewritten.message, /^the image was changed outside the build\b/, String(backend));
      assert.equal(await build(inputs, false, backend).then((b) => b.plan.steps.length), 0);

      const state = parseState(readFileSync(inputs.stateFile, 'utf8'));
      delete state.iso?.ino;
      delete state.iso?.ctimeMs;
      delete state.iso?.sample;
      writeFileSync(inputs.stateFile, serializeState(state));
      const old = await build(inputs, false, backend);
      assert.match(old.message, /^recorded by an earlier vm-context\b/, String(backend));
      assert.equal(old.state.iso?.ino, statSync(iso).ino);
      assert.equal(await build(inputs, false, backend).then((b) => b.plan.steps.length), 0);
    }
  } finally {
    remove(dir);
  }
});

test('a record without the places in the image (an external tool’s, or damaged) never makes the image up to date', async () => {
  const { dir, inputs, file } = project();
  try {
    await build(inputs);
    const state = parseState(readFileSync(inputs.stateFile, 'utf8'));
    const f = file('post-install');
    state.files[f] = { size: state.files[f].size, mtimeMs: state.files[f].mtimeMs, ino: state.files[f].ino, sha256: 'a'.repeat(64) };
    const image = statSync(inputs.iso.path);
    writeFileSync(inputs.stateFile, serializeState(state));
    const plan = await planBuild(inputs, { only: 'iso', env });
    assert.deepEqual(plan.steps.map((s) => s.reason), ['the context or the options changed']);
    assert.equal(plan.status.iso?.state, 'stale');
    // A plan alone writes nothing.
    assert.equal(statSync(inputs.iso.path).mtimeMs, image.mtimeMs);

    // The record gone: rebuilt, the same input hash and the same image.
    const before = readFileSync(inputs.iso.path);
    const { state: kept } = await build(inputs);
    rmSync(inputs.stateFile);
    const again = await build(inputs);
    assert.match(again.message, /^no record of an earlier build;/);
    assert.equal(again.state.iso?.inputHash, kept.iso?.inputHash);
    assert.deepEqual(readFileSync(inputs.iso.path), before);
  } finally {
    remove(dir);
  }
});

test('imageHoldsFile: the same bytes at the offset; false when they differ, the file grew or is shorter, or cannot be read', async () => {
  const dir = tempDir();
  try {
    const image = path.join(dir, 'image');
    const f = path.join(dir, 'f');
    writeFileSync(image, Buffer.concat([Buffer.alloc(4096, 1), Buffer.from('abcdef'), Buffer.alloc(10)]));
    writeFileSync(f, 'abcdef');
    assert.equal(await imageHoldsFile(image, 4096, f, 6), true);
    assert.equal(await imageHoldsFile(image, 4097, f, 6), false);
    writeFileSync(f, 'abcdeX');
    assert.equal(await imageHoldsFile(image, 4096, f, 6), false);
    writeFileSync(f, 'abcdefg');
    assert.equal(await imageHoldsFile(image, 4096, f, 6), false, 'grew');
    writeFileSync(f, 'abc');
    assert.equal(await imageHoldsFile(image, 4096, f, 6), false, 'shorter');
    assert.equal(await imageHoldsFile(image, 4096, path.join(dir, 'missing'), 6), false);
    assert.equal(await imageHoldsFile(path.join(dir, 'no-image'), 4096, f, 3), false);
    writeFileSync(f, '');
    assert.equal(await imageHoldsFile(image, 0, f, 0), true);

    // 20 MiB compared: the event loop gets turns meanwhile (the extension plans builds for its status).
    const bytes = Buffer.alloc(20 << 20, 7);
    writeFileSync(f, bytes);
    writeFileSync(image, Buffer.concat([Buffer.alloc(2048), bytes]));
    let turns = 0;
    let spinning = true;
    const spin = () => {
      if (!spinning) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const held = await imageHoldsFile(image, 2048, f, bytes.length);
    spinning = false;
    assert.equal(held, true);
    assert.ok(turns >= 2, `${turns} turns of the event loop during the comparison`);
  } finally {
    remove(dir);
  }
});

test('the tree hash is the SHA-256 of one documented line per entry (records of earlier builds stay up to date), over more lines than one buffer holds', async () => {
  const { dir, inputs } = project();
  try {
    // About 100 KB of lines (the hash writes them 64 KB at a time): names of every width in UTF-8 (1 to 4 bytes a character), link targets, modes, sizes.
    const names = Array.from({ length: 900 }, (_, i) => `${String(i).padStart(3, '0')}-${'ä€𝄞x'.repeat(1 + (i % 12))}-${'n'.repeat(i % 40)}`);
    writeTree(path.join(dir, 'context'), Object.fromEntries(names.map((n, i) => [`many/${n}`, 'y'.repeat(i)])));
    for (let i = 0; i < 30; i++) symlinkSync(`../many/${names[i]}`, path.join(dir, 'context', 'big', `link-${i}-é`));
    chmodSync(path.join(dir, 'context', 'many', names[7]), 0o4750);
    const plan = await planBuild(inputs, { only: 'iso', env });
    const step = plan.steps[0];
    assert.ok(step?.kind === 'iso' && plan.contextScan);
    const scan = plan.contextScan;
    assert.ok(scan.entries.length > 900);
    let text = '';
    for (const e of scan.entries) text += `${e.kind}\0${e.path}\0${e.mode.toString(8)}\0${e.size}\0${e.target ?? ''}\n`;
    assert.ok(Buffer.byteLength(text) > 64 << 10, `${Buffer.byteLength(text)} bytes of lines`);
    const expected = createHash('sha256').update(`tree\0embedded\0CONTEXT\0${1700000000}\0${scan.root.mode.toString(8)}\n`).update(text).digest('hex');
    assert.equal(step.inputHash, expected);
  } finally {
    remove(dir);
  }
});
