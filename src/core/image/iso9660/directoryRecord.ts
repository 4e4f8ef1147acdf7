// Directory records (ECMA-119 9.1) and how they are packed into directory extents.
import { SECTOR, both16, both32, recordDate } from './isoBytes';
import { CE_LENGTH } from './rockRidge';

export const FLAG_DIRECTORY = 0x02;
const MAX_RECORD = 254; // 255 is the field's limit; records are kept even

/** Fixed part plus identifier plus the pad byte that keeps the System Use area even. */
export function recordBaseLength(idLength: number): number {
  return 33 + idLength + (idLength % 2 === 0 ? 1 : 0);
}

/**
 * Splits System Use entries between the record and a continuation area: all inline when
 * they fit, else as many as fit before a CE entry (which the caller appends).
 */
export function fitSystemUse(idLength: number, entries: Uint8Array[]): { inline: Uint8Array[]; spill: Uint8Array[] } {
  const room = MAX_RECORD - recordBaseLength(idLength);
  const total = entries.reduce((n, e) => n + e.length, 0);
  if (total <= room) return { inline: entries, spill: [] };
  let used = 0;
  let k = 0;
  while (k < entries.length && used + entries[k].length + CE_LENGTH <= room) used += entries[k++].length;
  return { inline: entries.slice(0, k), spill: entries.slice(k) };
}

export function recordLength(idLength: number, systemUse: number): number {
  const n = recordBaseLength(idLength) + systemUse;
  return n + (n % 2);
}

export interface RecordFields {
  extent: number;
  size: number;
  flags: number;
  date: number;
  id: Uint8Array;
  systemUse: Uint8Array[];
}

/** Writes one record at `at`; returns its length. */
export function writeRecord(out: Uint8Array, at: number, r: RecordFields): number {
  const su = r.systemUse.reduce((n, e) => n + e.length, 0);
  const len = recordLength(r.id.length, su);
  out[at] = len;
  out[at + 1] = 0;
  both32(out, at + 2, r.extent);
  both32(out, at + 10, r.size);
  recordDate(out, at + 18, r.date);
  out[at + 25] = r.flags;
  both16(out, at + 28, 1);
  out[at + 32] = r.id.length;
  out.set(r.id, at + 33);
  let p = at + recordBaseLength(r.id.length);
  for (const e of r.systemUse) {
    out.set(e, p);
    p += e.length;
  }
  return len;
}

/** Sector-relative offsets of records packed so that none crosses a sector boundary. */
export function packRecords(lengths: number[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const len of lengths) {
    const left = SECTOR - (at % SECTOR);
    if (len > left) at += left;
    offsets.push(at);
    at += len;
  }
  return { offsets, size: Math.ceil(at / SECTOR) * SECTOR };
}
