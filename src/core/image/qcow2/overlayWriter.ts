// A fresh qcow2 v3 overlay: every read falls through to the backing file. The same layout
// as `qemu-img create -f qcow2 -b BASE -F FMT`: cluster 0 header (+ backing format extension
// + backing name), cluster 1 refcount table, cluster 2 refcount block, cluster 3.. L1 table
// (all zero). Every cluster used has refcount 1.
import { EXT_BACKING_FORMAT, QCOW2_MAGIC, V3_HEADER_LENGTH } from './header';

export const CLUSTER_BITS = 16;
export const CLUSTER_SIZE = 1 << CLUSTER_BITS;

export interface OverlaySpec {
  /** Virtual size in bytes (the base image's). */
  size: number;
  /** Stored as is: relative names resolve against the overlay's own folder. */
  backingName: string;
  backingFormat: 'raw' | 'qcow2';
}

function setU64(v: DataView, at: number, value: number): void {
  v.setUint32(at, Math.floor(value / 2 ** 32));
  v.setUint32(at + 4, value >>> 0);
}

/** Checks what qemu would refuse; returns a message or undefined. */
export function checkOverlaySpec(spec: OverlaySpec): string | undefined {
  const name = new TextEncoder().encode(spec.backingName);
  if (name.length === 0) return 'the backing file name is empty';
  if (name.length > 1023) return 'the backing file name is longer than 1023 bytes';
  if (!Number.isSafeInteger(spec.size) || spec.size <= 0) return `the virtual size ${spec.size} is not a positive size`;
  return undefined;
}

/**
 * The virtual size an overlay gets for a base of `baseSize` bytes: QEMU addresses disks in
 * 512-byte sectors and reads a raw base's tail as a whole sector, so `qemu-img create` rounds
 * up; storing the exact size would make QEMU round down and lose the base's last bytes.
 */
export function overlayVirtualSize(baseSize: number): number {
  return Math.ceil(baseSize / 512) * 512;
}

/** L1 entries needed: each covers cluster_size × (cluster_size / 8) bytes (512 MiB). */
export function l1SizeFor(size: number): number {
  return Math.ceil(size / (CLUSTER_SIZE * (CLUSTER_SIZE / 8)));
}

/** The whole overlay file; it ends right after the L1 table, as qemu-img's does. */
export function createOverlay(spec: OverlaySpec): Uint8Array {
  const problem = checkOverlaySpec(spec);
  if (problem) throw new Error(problem);
  const name = new TextEncoder().encode(spec.backingName);
  const format = new TextEncoder().encode(spec.backingFormat);
  const size = overlayVirtualSize(spec.size);
  const l1Size = l1SizeFor(size);
  const l1Clusters = Math.max(1, Math.ceil((l1Size * 8) / CLUSTER_SIZE));
  const l1Offset = 3 * CLUSTER_SIZE;
  const clusters = 3 + l1Clusters;
  if (clusters > CLUSTER_SIZE / 2) throw new Error('virtual size too large for one refcount block');
  const out = new Uint8Array(l1Offset + Math.max(l1Size * 8, 8));
  const v = new DataView(out.buffer);

  const extAt = V3_HEADER_LENGTH;
  const formatPadded = Math.ceil(format.length / 8) * 8;
  const nameAt = extAt + 8 + formatPadded + 8; // after the format extension and the end marker
  v.setUint32(0, QCOW2_MAGIC);
  v.setUint32(4, 3);
  setU64(v, 8, nameAt);
  v.setUint32(16, name.length);
  v.setUint32(20, CLUSTER_BITS);
  setU64(v, 24, size);
  v.setUint32(32, 0); // no encryption
  v.setUint32(36, l1Size);
  setU64(v, 40, l1Offset);
  setU64(v, 48, CLUSTER_SIZE); // refcount table
  v.setUint32(56, 1); // refcount table clusters
  // nb_snapshots, snapshots_offset, feature bits: 0
  v.setUint32(96, 4); // refcount_order: 16-bit refcounts
  v.setUint32(100, V3_HEADER_LENGTH);
  out[104] = 0; // compression type: zlib
  v.setUint32(extAt, EXT_BACKING_FORMAT);
  v.setUint32(extAt + 4, format.length);
  out.set(format, extAt + 8);
  // End-of-extensions marker is already zero.
  out.set(name, nameAt);

  setU64(v, CLUSTER_SIZE, 2 * CLUSTER_SIZE); // refcount table[0] → refcount block
  for (let c = 0; c < clusters; c++) v.setUint16(2 * CLUSTER_SIZE + 2 * c, 1);
  return out;
}
