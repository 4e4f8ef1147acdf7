// Path tables (ECMA-119 9.4): every directory once, in the order of directory numbers
// (level, then parent number, then identifier), in a little-endian and a big-endian copy.
import { be16, be32, le16, le32 } from './isoBytes';

export interface PathTableEntry {
  id: Uint8Array;
  extent: number;
  /** 1-based number of the parent directory; the root is its own parent (1). */
  parent: number;
}

export function pathTableSize(entries: readonly PathTableEntry[]): number {
  return entries.reduce((n, e) => n + 8 + e.id.length + (e.id.length % 2), 0);
}

export function writePathTable(out: Uint8Array, at: number, entries: readonly PathTableEntry[], bigEndian: boolean): void {
  for (const e of entries) {
    out[at] = e.id.length;
    out[at + 1] = 0;
    (bigEndian ? be32 : le32)(out, at + 2, e.extent);
    (bigEndian ? be16 : le16)(out, at + 6, e.parent);
    out.set(e.id, at + 8);
    at += 8 + e.id.length + (e.id.length % 2);
  }
}
