// What an image file is, from its first bytes: the base image's format and virtual size,
// and whether an existing overlay still is empty.
import { isQcow2, parseQcow2Header, type Qcow2Header } from './header';

export type ProbedImage =
  | { format: 'qcow2'; size: number; header: Qcow2Header }
  | { format: 'raw'; size: number }
  | { format: 'other'; name: string };

/** Formats a raw base must not be mistaken for (a raw disk never starts with these). */
const OTHER_FORMATS: Array<[string, string]> = [
  ['KDMV', 'VMDK'],
  ['conectix', 'VHD'],
  ['vhdxfile', 'VHDX'],
  ['<<< Oracle VM VirtualBox Disk Image >>>', 'VDI'],
  ['QFI', 'qcow (version 1)'],
];

/** `head` is the first 64 KiB (or the whole file if smaller), `fileSize` its length. */
export function probeImage(head: Uint8Array, fileSize: number): ProbedImage {
  if (isQcow2(head)) {
    const header = parseQcow2Header(head);
    if (!header) return { format: 'other', name: 'qcow2 of an unknown version' };
    return { format: 'qcow2', size: header.size, header };
  }
  const text = new TextDecoder('latin1').decode(head.subarray(0, 64));
  for (const [magic, name] of OTHER_FORMATS) if (text.startsWith(magic)) return { format: 'other', name };
  return { format: 'raw', size: fileSize };
}

/** Bits 9-55 of an L1 entry: the offset of its L2 table (bit 63 is the "copied" flag). */
const L2_OFFSET_MASK = 0x00fffffffffffe00n;

/** L1 entries that point at an L2 table: each maps up to 512 MiB of data written into the overlay. */
export function allocatedL1Entries(l1: Uint8Array): number {
  const v = new DataView(l1.buffer, l1.byteOffset, l1.byteLength);
  let allocated = 0;
  for (let at = 0; at + 8 <= l1.length; at += 8) if ((v.getBigUint64(at) & L2_OFFSET_MASK) !== 0n) allocated++;
  return allocated;
}

/** True when some L1 entry points at an L2 table, i.e. the guest (or anyone) wrote data. */
export function overlayHoldsData(l1: Uint8Array): boolean {
  return allocatedL1Entries(l1) > 0;
}


export interface OverlayState {
  header: Qcow2Header;
  /** True when no L1 entry points at data and no snapshot exists. */
  empty: boolean;
  /** Allocated L1 entries (each maps up to 512 MiB of guest data). */
  allocatedL1: number;
}

/** Reads what matters of an existing overlay; `l1` holds its L1 table bytes. */
export function overlayState(header: Qcow2Header, l1: Uint8Array): OverlayState {
  const allocated = allocatedL1Entries(l1);
  return { header, empty: allocated === 0 && header.nbSnapshots === 0, allocatedL1: allocated };
}
