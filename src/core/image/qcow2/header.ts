// The qcow2 header (QEMU docs/interop/qcow2.txt): big-endian fields, version 2 or 3, header
// extensions after the fixed part, the backing file name somewhere in cluster 0.

export const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
export const EXT_END = 0x00000000;
export const EXT_BACKING_FORMAT = 0xe2792aca;
export const V3_HEADER_LENGTH = 112;

export interface Qcow2Header {
  version: number;
  backingFileOffset: number;
  backingFileSize: number;
  clusterBits: number;
  size: number;
  cryptMethod: number;
  l1Size: number;
  l1TableOffset: number;
  refcountTableOffset: number;
  refcountTableClusters: number;
  nbSnapshots: number;
  snapshotsOffset: number;
  incompatibleFeatures: number;
  headerLength: number;
  /** From the header extension, when present. */
  backingFormat?: string;
  /** From backingFileOffset/backingFileSize, when present. */
  backingFile?: string;
}

/** 64-bit fields as numbers: exact up to 2^53, ample for offsets and sizes. */
function u64(view: DataView, at: number): number {
  return view.getUint32(at) * 2 ** 32 + view.getUint32(at + 4);
}

export function isQcow2(head: Uint8Array): boolean {
  return head.length >= 4 && new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0) === QCOW2_MAGIC;
}

/**
 * Parses the header from the first bytes of the file (at least the header, its extensions
 * and the backing name: the first cluster or 64 KiB is always enough). Undefined if no qcow2.
 */
export function parseQcow2Header(head: Uint8Array): Qcow2Header | undefined {
  if (head.length < 72 || !isQcow2(head)) return undefined;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = v.getUint32(4);
  if (version !== 2 && version !== 3) return undefined;
  const h: Qcow2Header = {
    version,
    backingFileOffset: u64(v, 8),
    backingFileSize: v.getUint32(16),
    clusterBits: v.getUint32(20),
    size: u64(v, 24),
    cryptMethod: v.getUint32(32),
    l1Size: v.getUint32(36),
    l1TableOffset: u64(v, 40),
    refcountTableOffset: u64(v, 48),
    refcountTableClusters: v.getUint32(56),
    nbSnapshots: v.getUint32(60),
    snapshotsOffset: u64(v, 64),
    incompatibleFeatures: version === 3 && head.length >= 80 ? u64(v, 72) : 0,
    headerLength: version === 3 && head.length >= 104 ? v.getUint32(100) : 72,
  };
  // Header extensions: type, length, data padded to 8 bytes, until the end marker.
  for (let at = h.headerLength; at + 8 <= head.length; ) {
    const type = v.getUint32(at);
    const length = v.getUint32(at + 4);
    if (type === EXT_END || at + 8 + length > head.length) break;
    if (type === EXT_BACKING_FORMAT) h.backingFormat = new TextDecoder().decode(head.subarray(at + 8, at + 8 + length));
    at += 8 + Math.ceil(length / 8) * 8;
  }
  if (h.backingFileOffset && h.backingFileOffset + h.backingFileSize <= head.length) {
    h.backingFile = new TextDecoder().decode(head.subarray(h.backingFileOffset, h.backingFileOffset + h.backingFileSize));
  }
  return h;
}
