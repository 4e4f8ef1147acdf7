import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readIsoLabel, isoStateOf, ISO_HEAD_BYTES } from '../../../src/core/build/iso-state';
import { l1HoldsData, overlayStateOf, parseQcow2Header } from '../../../src/core/build/overlay-state';
import { formatBytes } from '../../../src/core/common/bytes';

function isoHead(label: string): Uint8Array {
  const b = new Uint8Array(ISO_HEAD_BYTES);
  const pvd = 16 * 2048;
  b[pvd] = 1;
  b.set(new TextEncoder().encode('CD001'), pvd + 1);
  b.set(new TextEncoder().encode(label.padEnd(32, ' ')), pvd + 40);
  return b;
}

/** A qcow2 v3 header with a backing file and an L1 table of two entries at 512. */
function qcow2(backing: string | undefined, size: number, l1: bigint[] = [0n, 0n]): Uint8Array {
  const b = new Uint8Array(512 + l1.length * 8);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x514649fb);
  v.setUint32(4, 3);
  if (backing) {
    v.setBigUint64(8, 200n);
    v.setUint32(16, backing.length);
    b.set(new TextEncoder().encode(backing), 200);
  }
  v.setUint32(20, 16);
  v.setBigUint64(24, BigInt(size));
  v.setUint32(36, l1.length);
  v.setBigUint64(40, 512n);
  l1.forEach((e, i) => v.setBigUint64(512 + i * 8, e));
  return b;
}

test('the ISO label is read back from the primary volume descriptor', () => {
  assert.equal(readIsoLabel(isoHead('CONTEXT')), 'CONTEXT');
  assert.equal(readIsoLabel(new Uint8Array(100)), undefined);
  assert.equal(readIsoLabel(new Uint8Array(ISO_HEAD_BYTES)), undefined);
});

test('context.iso is stale when the context changed after it or its label differs', () => {
  assert.equal(isoStateOf({ exists: false }, 5, 'CONTEXT').freshness, 'missing');
  assert.equal(isoStateOf({ exists: true, mtimeMs: 10, label: 'CONTEXT' }, 5, 'CONTEXT').freshness, 'fresh');
  assert.match(isoStateOf({ exists: true, mtimeMs: 10, label: 'CONTEXT' }, 11, 'CONTEXT').reason!, /changed/);
  assert.match(isoStateOf({ exists: true, mtimeMs: 10, label: 'OLD' }, 5, 'CONTEXT').reason!, /label is OLD/);
});

test('overlays: missing, empty, holding data, out of date', () => {
  const base = { name: 'debian-base.raw', virtualSize: 1 << 26, mtimeMs: 1 };
  const h = parseQcow2Header(qcow2('/opt/cloud/debian-base.raw', 1 << 26))!;
  assert.equal(h.backingFile, '/opt/cloud/debian-base.raw');
  assert.equal(h.virtualSize, 1 << 26);
  assert.equal(overlayStateOf({ exists: false }, base).condition, 'missing');
  assert.equal(overlayStateOf({ exists: true, header: h, holdsData: false, mtimeMs: 2 }, base).condition, 'empty');
  assert.equal(overlayStateOf({ exists: true, header: h, holdsData: true, mtimeMs: 2 }, base).condition, 'data');
  assert.match(overlayStateOf({ exists: true, header: h, mtimeMs: 0 }, base).reason!, /base image changed/);
  assert.match(overlayStateOf({ exists: true, header: h, mtimeMs: 2 }, { ...base, name: 'other.raw' }).reason!, /not other.raw/);
  assert.match(overlayStateOf({ exists: true, header: h, mtimeMs: 2 }, { ...base, virtualSize: 5 }).reason!, /size/);
  assert.equal(overlayStateOf({ exists: true }, base).condition, 'invalid');
  assert.equal(l1HoldsData(qcow2(undefined, 1).subarray(512)), false);
  assert.equal(l1HoldsData(qcow2(undefined, 1, [0n, 0x8000000000030000n]).subarray(512)), true);
});

test('sizes in binary units', () => {
  assert.deepEqual([0, 1023, 1024, 1536, 360448, 64 * 1024 * 1024].map(formatBytes), ['0 B', '1023 B', '1 KiB', '1.5 KiB', '352 KiB', '64 MiB']);
});

test('ISO contents list the Rock Ridge, Joliet and 8.3 name of each entry', async () => {
  const { isoListing, isoListingMarkdown } = await import('../../../src/core/build/iso-listing');
  const rows = isoListing({
    kind: 'dir',
    name: '',
    mode: 0o755,
    children: [
      { kind: 'dir', name: 'common', mode: 0o755, children: [{ kind: 'file', name: 'network', mode: 0o644, size: 10, source: '/x' }] },
      { kind: 'file', name: 'post-install', mode: 0o755, size: 3000, source: '/y' },
      { kind: 'symlink', name: 'run.sh', target: 'post-install' },
    ],
  });
  assert.deepEqual(rows.map((r) => [r.rockRidge, r.joliet, r.iso9660]), [
    ['/common', '/common', '/COMMON'],
    ['/common/network', '/common/network', '/COMMON/NETWORK.;1'],
    ['/post-install', '/post-install', '/POST_INS.;1'],
    ['/run.sh', '/run.sh', '/RUN.SH;1'],
  ]);
  const md = isoListingMarkdown('build/context.iso', 'CONTEXT', rows, []);
  assert.match(md, /Volume label: \*\*CONTEXT\*\*/);
  assert.match(md, /\| `\/post-install` \| `\/post-install` \| `\/POST_INS\.;1` \| 2\.9 KiB \| 0755 \|/);
  assert.match(md, /`\/run\.sh` → `post-install`/);
});
