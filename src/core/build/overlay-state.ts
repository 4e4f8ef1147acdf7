// What the explorer says of a VM's qcow2 overlay, read from its header: which image it reads
// through, whether the guest wrote data into it, and whether it still fits the base image.

export interface Qcow2Header {
  version: number;
  backingFile?: string;
  virtualSize: number;
  clusterBits: number;
  l1Size: number;
  l1TableOffset: number;
}

/** Bytes enough for the header and the backing file name of any overlay this project makes. */
export const QCOW2_HEAD_BYTES = 4096;

export function parseQcow2Header(head: Uint8Array): Qcow2Header | undefined {
  if (head.length < 48) return undefined;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (v.getUint32(0) !== 0x514649fb) return undefined; // "QFI\xfb"
  const version = v.getUint32(4);
  const backingOffset = Number(v.getBigUint64(8));
  const backingSize = v.getUint32(16);
  let backingFile: string | undefined;
  if (backingOffset > 0 && backingSize > 0 && backingOffset + backingSize <= head.length) {
    backingFile = new TextDecoder().decode(head.subarray(backingOffset, backingOffset + backingSize));
  }
  return {
    version,
    backingFile,
    clusterBits: v.getUint32(20),
    virtualSize: Number(v.getBigUint64(24)),
    l1Size: v.getUint32(36),
    l1TableOffset: Number(v.getBigUint64(40)),
  };
}

/** True when some L1 entry points at an L2 table, i.e. the guest (or anyone) wrote data. */
export function l1HoldsData(l1: Uint8Array): boolean {
  const v = new DataView(l1.buffer, l1.byteOffset, l1.byteLength);
  for (let i = 0; i + 8 <= l1.length; i += 8) {
    // Bits 9-55 hold the L2 table offset; the top bit is the "copied" flag.
    if ((v.getBigUint64(i) & 0x00fffffffffffe00n) !== 0n) return true;
  }
  return false;
}

export type OverlayCondition = 'missing' | 'empty' | 'data' | 'outdated' | 'invalid';

export interface OverlayState {
  condition: OverlayCondition;
  size?: number;
  backingFile?: string;
  reason?: string;
}

export interface OverlayFacts {
  exists: boolean;
  size?: number;
  mtimeMs?: number;
  header?: Qcow2Header;
  holdsData?: boolean;
}

export interface BaseImageFacts {
  /** File name of the base image, as the overlays should name it as backing file. */
  name: string;
  /** Virtual size in bytes (the file size of a raw image). */
  virtualSize?: number;
  mtimeMs?: number;
}

/** The overlay's condition; "outdated" wins over "data" since its data would be read wrong. */
export function overlayStateOf(facts: OverlayFacts, base: BaseImageFacts | undefined): OverlayState {
  if (!facts.exists) return { condition: 'missing' };
  const h = facts.header;
  if (!h) return { condition: 'invalid', size: facts.size, reason: 'not a qcow2 image' };
  const state = { size: facts.size, backingFile: h.backingFile };
  if (base) {
    const backingName = h.backingFile?.split('/').pop();
    if (!h.backingFile) return { ...state, condition: 'outdated', reason: 'it has no backing file' };
    if (backingName !== base.name) return { ...state, condition: 'outdated', reason: `it reads through ${h.backingFile}, not ${base.name}` };
    if (base.virtualSize !== undefined && base.virtualSize !== h.virtualSize) {
      return { ...state, condition: 'outdated', reason: `its size (${h.virtualSize} bytes) differs from the base image's (${base.virtualSize})` };
    }
    if (base.mtimeMs !== undefined && facts.mtimeMs !== undefined && base.mtimeMs > facts.mtimeMs) {
      return { ...state, condition: 'outdated', reason: 'the base image changed after it was made' };
    }
  }
  return { ...state, condition: facts.holdsData ? 'data' : 'empty' };
}
