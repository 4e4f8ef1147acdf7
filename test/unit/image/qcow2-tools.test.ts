// The embedded qcow2 overlay writer and reader, checked by qemu-img and qemu-io.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createOverlay, l1SizeFor } from '../../../src/core/image/qcow2/overlayWriter';
import { inspectOverlay, probeBaseImage, writeOverlayFile } from '../../../src/core/io/overlayFile';
import { decideOverlay, overlayStatus } from '../../../src/core/build/overlayDecision';
import { removeDir, tempDir, tool } from './helpers';

describe('qcow2 overlays, checked by qemu-img', () => {
  let dir: string;
  before(() => {
    dir = tempDir();
    mkdirSync(join(dir, 'images'));
    mkdirSync(join(dir, 'overlays'));
    const raw = Buffer.alloc(3 << 20);
    raw.write('raw base image', 1 << 20);
    writeFileSync(join(dir, 'images', 'base.raw'), raw);
    tool('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'images', 'base.qcow2'), '1536M']);
  });
  after(() => removeDir(dir));

  for (const format of ['raw', 'qcow2'] as const) {
    it(`an overlay on a ${format} base passes check, shows its backing, and reads as the base`, async () => {
      const basePath = join(dir, 'images', `base.${format}`);
      const base = await probeBaseImage(basePath);
      assert.equal(base.format, format);
      const ov = join(dir, 'overlays', `vm-${format}.qcow2`);
      const spec = { size: base.size, backingName: `../images/base.${format}`, backingFormat: base.format };
      await writeOverlayFile(ov, spec);
      assert.match(tool('qemu-img', ['check', ov]), /No errors were found on the image/);
      const info = JSON.parse(tool('qemu-img', ['info', '--output=json', ov]));
      assert.equal(info['backing-filename'], `../images/base.${format}`);
      assert.equal(info['backing-filename-format'], format);
      assert.equal(info['virtual-size'], format === 'raw' ? 3 << 20 : 1536 << 20);
      assert.equal(info['format-specific'].data.compat, '1.1');
      assert.match(tool('qemu-img', ['compare', '-f', format, '-F', 'qcow2', basePath, ov]), /Images are identical/);
      const state = await inspectOverlay(ov);
      assert.deepEqual(state, { kind: 'qcow2', empty: true, allocatedL1: 0, snapshots: 0, backingName: spec.backingName, backingFormat: format, size: spec.size, fileSize: 3 * 65536 + 8 * l1SizeFor(spec.size) });
      assert.equal(decideOverlay(state, spec, false).action, 'keep');
      assert.equal(overlayStatus(state, spec).condition, 'empty');
    });
  }

  it('has the layout of qemu-img create (same size, same header fields)', () => {
    const ours = createOverlay({ size: 1 << 30, backingName: 'debian-base.raw', backingFormat: 'raw' });
    const theirsPath = join(dir, 'theirs.qcow2');
    symlinkSync(join(dir, 'images', 'base.raw'), join(dir, 'debian-base.raw'));
    tool('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'debian-base.raw', '-F', 'raw', theirsPath, '1G']);
    const theirs = readFileSync(theirsPath);
    // Fixed header up to the header length is identical except the backing name offset
    // (qemu-img also writes the optional feature-name table before the name).
    const strip = (b: Uint8Array) => Buffer.concat([b.subarray(0, 8), b.subarray(16, 104)]);
    assert.ok(strip(ours).equals(strip(theirs)));
    assert.ok(Buffer.from(ours.subarray(1 << 16)).equals(theirs.subarray(1 << 16)));
  });

  it('sees data written by a VM and leaves that overlay alone unless forced', async () => {
    const ov = join(dir, 'overlays', 'used.qcow2');
    const spec = { size: 3 << 20, backingName: '../images/base.raw', backingFormat: 'raw' as const };
    await writeOverlayFile(ov, spec);
    tool('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 64k', ov]);
    const state = await inspectOverlay(ov);
    assert.ok(state.kind === 'qcow2' && !state.empty && state.allocatedL1 === 1);
    assert.deepEqual([overlayStatus(state, spec).condition, overlayStatus(state, spec).holds], ['data', 'data (1 allocated L1 entry)']);
    const d = decideOverlay(state, spec, false);
    assert.equal(d.action, 'refuse');
    assert.match(d.reason, /holds the VM's data.*--force/);
    assert.equal(decideOverlay(state, { ...spec, backingName: 'other.raw' }, false).action, 'refuse');
    assert.equal(decideOverlay(state, spec, true).action, 'write');
    assert.equal(decideOverlay({ ...state, empty: true, allocatedL1: 0 }, { ...spec, size: 1 << 30 }, false).action, 'write');
  });

  it('sees a snapshot as data, and a damaged L1 size as damaged', async () => {
    const ov = join(dir, 'overlays', 'snap.qcow2');
    await writeOverlayFile(ov, { size: 3 << 20, backingName: '../images/base.raw', backingFormat: 'raw' });
    tool('qemu-img', ['snapshot', '-c', 'before', ov]);
    const state = await inspectOverlay(ov);
    assert.ok(state.kind === 'qcow2' && state.snapshots === 1 && !state.empty);
    assert.equal(overlayStatus(state, undefined).holds, '1 snapshot(s)');
    const bad = join(dir, 'overlays', 'bad.qcow2');
    const bytes = createOverlay({ size: 3 << 20, backingName: 'base.raw', backingFormat: 'raw' });
    new DataView(bytes.buffer).setUint32(36, 0xffffffff);
    writeFileSync(bad, bytes);
    const damaged = await inspectOverlay(bad);
    assert.ok(damaged.kind === 'damaged' && /L1 table of 4294967295 entries is larger than QEMU opens/.test(damaged.reason), JSON.stringify(damaged));
    assert.deepEqual(await inspectOverlay(join(dir, 'overlays', 'none.qcow2')), { kind: 'missing' });
    writeFileSync(join(dir, 'overlays', 'text.qcow2'), 'hello');
    assert.deepEqual(await inspectOverlay(join(dir, 'overlays', 'text.qcow2')), { kind: 'not-qcow2', fileSize: 5 });
  });

  it('rounds a base size that is not a multiple of 512 up, as qemu-img create does', async () => {
    // The last 300 bytes of the base are data; QEMU reads the base as 512-byte sectors.
    const basePath = join(dir, 'images', 'odd.raw');
    const raw = Buffer.alloc((1 << 20) + 300);
    raw.fill(0x5a, 1 << 20);
    writeFileSync(basePath, raw);
    const base = await probeBaseImage(basePath);
    assert.equal(base.size, (1 << 20) + 300);
    const ov = join(dir, 'overlays', 'odd.qcow2');
    const spec = { size: base.size, backingName: '../images/odd.raw', backingFormat: base.format };
    await writeOverlayFile(ov, spec);
    const theirs = join(dir, 'overlays', 'odd-qemu-img.qcow2');
    tool('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', '../images/odd.raw', '-F', 'raw', theirs]);
    const size = (p: string, fmt: string) => JSON.parse(tool('qemu-img', ['info', '-f', fmt, '--output=json', p]))['virtual-size'];
    assert.equal(size(basePath, 'raw'), (1 << 20) + 512);
    assert.equal(size(theirs, 'qcow2'), (1 << 20) + 512);
    assert.equal(size(ov, 'qcow2'), size(basePath, 'raw'));
    assert.match(tool('qemu-img', ['compare', '-s', '-f', 'raw', '-F', 'qcow2', basePath, ov]), /Images are identical/);
    assert.match(tool('qemu-img', ['check', ov]), /No errors were found on the image/);
    // The next build sees it up to date, not "out of date" over the 212 bytes of rounding.
    const state = await inspectOverlay(ov);
    assert.deepEqual(overlayStatus(state, spec).differences, []);
    assert.equal(decideOverlay(state, spec, false).action, 'keep');
  });

  it('refuses base images in other formats', async () => {
    const vmdk = join(dir, 'images', 'disk.vmdk');
    writeFileSync(vmdk, Buffer.concat([Buffer.from('KDMV'), Buffer.alloc(1000)]));
    await assert.rejects(probeBaseImage(vmdk), /is VMDK; convert it/);
    await assert.rejects(probeBaseImage(join(dir, 'images', 'missing.raw')), /does not exist/);
  });
});
