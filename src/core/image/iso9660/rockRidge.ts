// System Use Sharing Protocol (SUSP 1.12) and Rock Ridge (RRIP 1991A) entries. Each entry is
// `signature(2) length(1) version(1) data`; none may exceed 255 bytes.
import { asciiBytes, both32, recordDate } from './isoBytes';

export const CE_LENGTH = 28;
const MAX_ENTRY = 255;
const utf8 = new TextEncoder();

function entry(sig: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + data.length);
  out[0] = sig.charCodeAt(0);
  out[1] = sig.charCodeAt(1);
  out[2] = out.length;
  out[3] = 1;
  out.set(data, 4);
  return out;
}

/** SP: marks SUSP use; only in the root's `.` record, first. */
export function spEntry(): Uint8Array {
  return entry('SP', Uint8Array.of(0xbe, 0xef, 0));
}

const ER_ID = 'RRIP_1991A';
const ER_DESCRIPTOR = 'THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS';
const ER_SOURCE =
  'PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION.';

/** ER: names the extension in use; Linux reads Rock Ridge only once it has seen it. */
export function erEntry(): Uint8Array {
  const id = asciiBytes(ER_ID);
  const des = asciiBytes(ER_DESCRIPTOR);
  const src = asciiBytes(ER_SOURCE);
  const data = new Uint8Array(4 + id.length + des.length + src.length);
  data[0] = id.length;
  data[1] = des.length;
  data[2] = src.length;
  data[3] = 1; // extension version
  data.set(id, 4);
  data.set(des, 4 + id.length);
  data.set(src, 4 + id.length + des.length);
  return entry('ER', data);
}

/** PX: POSIX mode (type and permission bits), links, uid, gid; the 36-byte RRIP 1991A form. */
export function pxEntry(mode: number, nlink: number, uid: number, gid: number): Uint8Array {
  const data = new Uint8Array(32);
  both32(data, 0, mode);
  both32(data, 8, nlink);
  both32(data, 16, uid);
  both32(data, 24, gid);
  return entry('PX', data);
}

/** TF: modify, access and attribute-change times, 7-byte form. */
export function tfEntry(date: number): Uint8Array {
  const data = new Uint8Array(1 + 21);
  data[0] = 0x0e;
  for (let i = 0; i < 3; i++) recordDate(data, 1 + 7 * i, date);
  return entry('TF', data);
}

/** Whether a name's NM is one entry of its own characters (short ASCII: most names), written by writeShortNm. */
export function isShortNm(name: string): boolean {
  return name.length > 0 && name.length <= MAX_ENTRY - 5 && isAscii(name);
}

/** Writes the NM entry of a name isShortNm accepts at `at`; returns its length (5 + the name's). */
export function writeShortNm(out: Uint8Array, at: number, name: string): number {
  out[at] = 0x4e; // N
  out[at + 1] = 0x4d; // M
  out[at + 2] = 5 + name.length;
  out[at + 3] = 1;
  out[at + 4] = 0; // flags: no CONTINUE
  for (let i = 0; i < name.length; i++) out[at + 5 + i] = name.charCodeAt(i);
  return 5 + name.length;
}

/** NM: the real name (UTF-8 bytes), split over several entries with CONTINUE when long. */
export function nmEntries(name: string): Uint8Array[] {
  // Most names are short ASCII: one entry, written without an encoder's intermediate bytes.
  if (isShortNm(name)) {
    const out = new Uint8Array(5 + name.length);
    writeShortNm(out, 0, name);
    return [out];
  }
  const bytes = utf8.encode(name);
  const room = MAX_ENTRY - 5;
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length || out.length === 0; at += room) {
    const part = bytes.subarray(at, at + room);
    const data = new Uint8Array(1 + part.length);
    data[0] = at + room < bytes.length ? 0x01 : 0;
    data.set(part, 1);
    out.push(entry('NM', data));
  }
  return out;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

const SL_CURRENT = 0x02;
const SL_PARENT = 0x04;
const SL_ROOT = 0x08;
const SL_CONTINUE = 0x01;

/**
 * SL: a symbolic link's target as component records, packed into as many entries as needed.
 * Every entry but the last ends inside a text component (flagged CONTINUE): libarchive joins
 * the first component of a following SL entry to the previous one without a '/', the kernel
 * and the other readers rejoin a split component, so only this split reads the same everywhere.
 */
export function slEntries(target: string): Uint8Array[] {
  const components: Array<{ flags: number; text?: Uint8Array }> = [];
  const parts = target.split('/');
  parts.forEach((p, i) => {
    if (i === 0 && p === '' && parts.length > 1) components.push({ flags: SL_ROOT });
    else if (p === '.') components.push({ flags: SL_CURRENT });
    else if (p === '..') components.push({ flags: SL_PARENT });
    else if (p !== '') components.push({ flags: 0, text: utf8.encode(p) });
  });
  const room = MAX_ENTRY - 5; // component bytes in one entry
  const groups: Array<Array<{ flags: number; text?: Uint8Array }>> = [];
  let group: Array<{ flags: number; text?: Uint8Array }> = [];
  let used = 0;
  const queue = components;
  while (queue.length) {
    const c = queue.shift()!;
    const size = 2 + (c.text?.length ?? 0);
    if (used + size <= room) {
      group.push(c);
      used += size;
      continue;
    }
    const free = room - used - 2;
    if (c.text && free >= 1) {
      group.push({ flags: SL_CONTINUE, text: c.text.subarray(0, free) });
      queue.unshift({ flags: c.flags, text: c.text.subarray(free) });
    } else {
      // A special component (or no room left): split the entry's last text component of two
      // bytes or more instead, moving its last byte and what follows to the next entry.
      let k = group.length - 1;
      while (k >= 0 && !((group[k].text?.length ?? 0) >= 2)) k--;
      if (k >= 0) {
        const t = group[k];
        const moved = group.splice(k);
        group.push({ flags: SL_CONTINUE, text: t.text!.subarray(0, t.text!.length - 1) });
        queue.unshift({ flags: t.flags, text: t.text!.subarray(t.text!.length - 1) }, ...moved.slice(1), c);
      } else queue.unshift(c); // nothing to split (only one-byte names): a plain boundary
    }
    groups.push(group);
    group = [];
    used = 0;
  }
  groups.push(group);
  return groups.map((g, i) => {
    const records = g.map((c) => {
      const r = new Uint8Array(2 + (c.text?.length ?? 0));
      r[0] = c.flags;
      r[1] = c.text?.length ?? 0;
      if (c.text) r.set(c.text, 2);
      return r;
    });
    const data = new Uint8Array(1 + records.reduce((n, r) => n + r.length, 0));
    data[0] = i < groups.length - 1 ? SL_CONTINUE : 0;
    let at = 1;
    for (const r of records) {
      data.set(r, at);
      at += r.length;
    }
    return entry('SL', data);
  });
}

/** CE: where the rest of this System Use area continues. */
export function ceEntry(sector: number, offset: number, length: number): Uint8Array {
  const data = new Uint8Array(24);
  both32(data, 0, sector);
  both32(data, 8, offset);
  both32(data, 16, length);
  return entry('CE', data);
}
