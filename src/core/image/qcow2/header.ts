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
  /** Version 3 only (4 in version 2): refcount entries are 2^order bits wide. */
  refcountOrder: number;
  headerLength: number;
  /** From the header extension, when present. */
  backingFormat?: string;
  /** From backingFileOffset/backingFileSize, when present. */
  backingFile?: string;
}

/** Incompatible feature bits (qcow2.txt): dirty, corrupt, external data file, compression type, extended L2. */
const FEATURE_CORRUPT = 2;
const FEATURE_EXTERNAL_DATA = 4;
const FEATURE_EXTENDED_L2 = 16;
const KNOWN_FEATURES = 31;
/** QEMU's limits (block/qcow2.h): cluster sizes 512 B to 2 MiB, an L1 table of at most 32 MiB. */
export const MIN_CLUSTER_BITS = 9;
export const MAX_CLUSTER_BITS = 21;
export const MAX_L1_BYTES = 32 << 20;

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
    refcountOrder: version === 3 && head.length >= 100 ? v.getUint32(96) : 4,
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

/**
 * Why QEMU would not open this header, or why its L1 table cannot prove what the image holds
 * (marked corrupt, data in an external file, tables past the end of the file); undefined when
 * it is sound. The checks QEMU makes when it opens an image (block/qcow2.c, qcow2_do_open).
 */
export function qcow2HeaderProblem(h: Qcow2Header, fileSize: number): string | undefined {
  if (h.clusterBits < MIN_CLUSTER_BITS || h.clusterBits > MAX_CLUSTER_BITS) return `cluster size 2^${h.clusterBits} is not one QEMU opens`;
  const cluster = 2 ** h.clusterBits;
  const aligned = (offset: number) => offset % cluster === 0;
  if (h.version === 3 && h.headerLength < 104) return `header length ${h.headerLength} is shorter than a version 3 header`;
  if (h.headerLength > cluster) return `header length ${h.headerLength} is longer than a cluster`;
  if (h.backingFileOffset > cluster || h.backingFileSize > 1023) return 'the backing file name lies outside the first cluster or is too long';
  const unknown = h.incompatibleFeatures - (h.incompatibleFeatures % (KNOWN_FEATURES + 1));
  if (unknown) return 'it uses incompatible features QEMU does not know';
  if (h.incompatibleFeatures & FEATURE_CORRUPT) return 'QEMU marked it corrupt';
  if (h.incompatibleFeatures & FEATURE_EXTERNAL_DATA) return 'its data lives in an external data file';
  if (h.cryptMethod > 2) return `encryption method ${h.cryptMethod} is unknown`;
  if (h.refcountOrder > 6) return `refcount order ${h.refcountOrder} is over 6`;
  if (!h.refcountTableClusters || !h.refcountTableOffset || !aligned(h.refcountTableOffset)) return 'it has no valid reference count table';
  if (h.refcountTableOffset + h.refcountTableClusters * cluster > fileSize) return 'its reference count table lies past the end of the file';
  if (h.l1Size * 8 > MAX_L1_BYTES) return `its L1 table of ${h.l1Size} entries is larger than QEMU opens`;
  const perL2 = cluster / (h.incompatibleFeatures & FEATURE_EXTENDED_L2 ? 16 : 8);
  if (h.l1Size < Math.ceil(h.size / (perL2 * cluster))) return `its L1 table of ${h.l1Size} entries is too small for ${h.size} bytes`;
  if (h.l1Size && (!h.l1TableOffset || !aligned(h.l1TableOffset))) return 'its L1 table offset is invalid';
  if (h.l1TableOffset + h.l1Size * 8 > fileSize) return 'its L1 table lies past the end of the file';
  if (h.nbSnapshots && (!aligned(h.snapshotsOffset) || h.snapshotsOffset >= fileSize)) return 'its snapshot table offset is invalid';
  return undefined;
}
