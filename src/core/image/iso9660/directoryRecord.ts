// Directory records (ECMA-119 9.1) and how they are packed into directory extents.
import { SECTOR, be16, both16, both32, recordDate } from './isoBytes';
import { CE_LENGTH, writeShortNm } from './rockRidge';

export const FLAG_DIRECTORY = 0x02;
const MAX_RECORD = 254; // 255 is the field's limit; records are kept even

/** Fixed part plus identifier plus the pad byte that keeps the System Use area even. */
export function recordBaseLength(idLength: number): number {
  return 33 + idLength + (idLength % 2 === 0 ? 1 : 0);
}

/** Total length of System Use entries. */
export function systemUseLength(entries: readonly Uint8Array[]): number {
  let n = 0;
  for (let i = 0; i < entries.length; i++) n += entries[i].length;
  return n;
}

/** Whether `systemUse` bytes of System Use fit in a record with an identifier of `idLength` bytes. */
export function fitsInline(idLength: number, systemUse: number): boolean {
  return recordBaseLength(idLength) + systemUse <= MAX_RECORD;
}

/**
 * How many of a record's System Use entries stay in the record: all when they fit, else as many
 * as fit before a CE entry (which the caller appends); the rest spill to a continuation area.
 */
export function inlineCount(idLength: number, entries: readonly Uint8Array[]): number {
  if (fitsInline(idLength, systemUseLength(entries))) return entries.length;
  const room = MAX_RECORD - recordBaseLength(idLength);
  let used = 0;
  let k = 0;
  while (k < entries.length && used + entries[k].length + CE_LENGTH <= room) used += entries[k++].length;
  return k;
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
  /** The identifier: bytes, or d-characters (one byte each; text spares an array per record of thousands). */
  id: Uint8Array | string;
  systemUse: readonly Uint8Array[];
}

/** The fixed part of a record, up to its identifier's length. */
function writeRecordHead(out: Uint8Array, at: number, len: number, extent: number, size: number, flags: number, date: number, idBytes: number): void {
  out[at] = len;
  out[at + 1] = 0;
  both32(out, at + 2, extent);
  both32(out, at + 10, size);
  recordDate(out, at + 18, date);
  out[at + 25] = flags;
  both16(out, at + 28, 1);
  out[at + 32] = idBytes;
}

/** Writes one record at `at`; returns its length. */
export function writeRecord(out: Uint8Array, at: number, r: RecordFields): number {
  const id = r.id;
  const len = recordLength(id.length, systemUseLength(r.systemUse));
  writeRecordHead(out, at, len, r.extent, r.size, r.flags, r.date, id.length);
  if (typeof id !== 'string') out.set(id, at + 33);
  else for (let i = 0; i < id.length; i++) out[at + 33 + i] = id.charCodeAt(i);
  let p = at + recordBaseLength(id.length);
  for (let i = 0; i < r.systemUse.length; i++) {
    out.set(r.systemUse[i], p);
    p += r.systemUse[i].length;
  }
  return len;
}

/**
 * Writes one Joliet record (no System Use) whose identifier is UCS-2 big-endian text, or bytes
 * (`.` and `..`); returns its length. Apart from writeRecord, so that neither meets a kind of
 * record it has not seen before once optimized: V8 would throw its compiled code away.
 */
export function writeJolietRecord(out: Uint8Array, at: number, extent: number, size: number, flags: number, date: number, id: Uint8Array | string): number {
  const idBytes = typeof id === 'string' ? id.length * 2 : id.length;
  const len = recordLength(idBytes, 0);
  writeRecordHead(out, at, len, extent, size, flags, date, idBytes);
  if (typeof id !== 'string') out.set(id, at + 33);
  else for (let i = 0; i < id.length; i++) be16(out, at + 33 + 2 * i, id.charCodeAt(i));
  return len;
}

/** The System Use length of a record writeNamedRecord writes. */
export function namedSystemUseLength(name: string, px: Uint8Array, tf: Uint8Array): number {
  return 5 + name.length + px.length + tf.length;
}

/**
 * Writes the record of a file or folder whose System Use is NM (a name rockRidge's isShortNm
 * accepts), PX and TF, all inline (fitsInline): the record of almost every entry, written with
 * no list or NM bytes of its own; returns its length. The same bytes writeRecord writes from
 * [NM, PX, TF]; apart from it for the reason writeJolietRecord is.
 */
export function writeNamedRecord(out: Uint8Array, at: number, extent: number, size: number, flags: number, date: number, id: string, name: string, px: Uint8Array, tf: Uint8Array): number {
  const len = recordLength(id.length, namedSystemUseLength(name, px, tf));
  writeRecordHead(out, at, len, extent, size, flags, date, id.length);
  for (let i = 0; i < id.length; i++) out[at + 33 + i] = id.charCodeAt(i);
  let p = at + recordBaseLength(id.length);
  p += writeShortNm(out, p, name);
  out.set(px, p);
  out.set(tf, p + px.length);
  return len;
}

/** Sector-relative offsets of records packed so that none crosses a sector boundary. */
export function packRecords(lengths: number[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i];
    const left = SECTOR - (at % SECTOR);
    if (len > left) at += left;
    offsets.push(at);
    at += len;
  }
  return { offsets, size: Math.ceil(at / SECTOR) * SECTOR };
}
