// The one qcow2 header reader and the ISO label reader, on bytes (no files, no tools).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LABEL_HEAD_BYTES, readLabel } from '../../../src/core/image/iso9660/label';
import { allocatedL1Entries, createOverlay, overlayHoldsData, overlayState, parseQcow2Header, probeImage } from '../../../src/core/image/qcow2/index';

function isoHead(label: string): Uint8Array {
  const b = new Uint8Array(LABEL_HEAD_BYTES);
  const pvd = 16 * 2048;
  b[pvd] = 1;
  b.set(new TextEncoder().encode('CD001'), pvd + 1);
  b.set(new TextEncoder().encode(label.padEnd(32, ' ')), pvd + 40);
  return b;
}

/** A qcow2 header of `version` with a backing file at 200 and an L1 table at 512. */
function qcow2(version: 2 | 3, backing: string | undefined, size: number, l1: bigint[] = [0n, 0n]): Uint8Array {
  const b = new Uint8Array(512 + l1.length * 8);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x514649fb);
  v.setUint32(4, version);
  if (backing) {
    v.setBigUint64(8, 200n);
    v.setUint32(16, backing.length);
    b.set(new TextEncoder().encode(backing), 200);
  }
  v.setUint32(20, 16);
  v.setBigUint64(24, BigInt(size));
  v.setUint32(36, l1.length);
  v.setBigUint64(40, 512n);
  if (version === 3) v.setUint32(100, 104);
  l1.forEach((e, i) => v.setBigUint64(512 + i * 8, e));
  return b;
}

test('the ISO label is read back from the primary volume descriptor', () => {
  assert.equal(readLabel(isoHead('CONTEXT')), 'CONTEXT');
  assert.equal(readLabel(isoHead('cidata')), 'cidata');
  assert.equal(readLabel(new Uint8Array(100)), undefined);
  assert.equal(readLabel(new Uint8Array(LABEL_HEAD_BYTES)), undefined);
});

test('qcow2 v2 and v3 headers: backing file, virtual size, L1 table', () => {
  for (const version of [2, 3] as const) {
    const h = parseQcow2Header(qcow2(version, '/opt/cloud/debian-base.raw', 1 << 26))!;
    assert.equal(h.version, version);
    assert.equal(h.backingFile, '/opt/cloud/debian-base.raw');
    assert.equal(h.size, 1 << 26);
    assert.equal(h.clusterBits, 16);
    assert.equal(h.l1Size, 2);
    assert.equal(h.l1TableOffset, 512);
    assert.equal(h.backingFormat, undefined);
  }
  const ours = parseQcow2Header(createOverlay({ size: 3 * 2 ** 30, backingName: 'debian-base.raw', backingFormat: 'raw' }))!;
  assert.deepEqual([ours.backingFile, ours.backingFormat, ours.size, ours.nbSnapshots], ['debian-base.raw', 'raw', 3 * 2 ** 30, 0]);
  assert.equal(parseQcow2Header(new Uint8Array(100)), undefined);
  const v4 = qcow2(3, undefined, 1);
  new DataView(v4.buffer).setUint32(4, 4);
  assert.equal(parseQcow2Header(v4), undefined);
  assert.deepEqual(probeImage(v4, v4.length), { format: 'other', name: 'qcow2 of an unknown version' });
});

test('an overlay holds data when an L1 entry points at an L2 table (the copied flag alone is no data)', () => {
  const l1 = (...e: bigint[]) => qcow2(3, undefined, 1, e).subarray(512);
  assert.equal(overlayHoldsData(l1(0n, 0n)), false);
  assert.equal(overlayHoldsData(new Uint8Array(0)), false);
  assert.equal(overlayHoldsData(l1(0n, 0x8000000000030000n)), true);
  assert.equal(overlayHoldsData(l1(0x8000000000000000n, 0x1ffn)), false);
  assert.equal(allocatedL1Entries(l1(0x30000n, 0x8000000000040000n, 0n)), 2);
  const h = parseQcow2Header(qcow2(3, 'base.raw', 1))!;
  assert.deepEqual(overlayState(h, l1(0n, 0n)), { header: h, empty: true, allocatedL1: 0 });
  assert.deepEqual(overlayState(h, l1(0x30000n, 0n)), { header: h, empty: false, allocatedL1: 1 });
  assert.equal(overlayState({ ...h, nbSnapshots: 1 }, l1(0n, 0n)).empty, false);
});
