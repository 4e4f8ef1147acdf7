// Byte-level helpers for ECMA-119: both-endian numbers, fixed-width text fields, dates.

export const SECTOR = 2048;

export function sectorsFor(bytes: number): number {
  return Math.ceil(bytes / SECTOR);
}

/** 16-bit number written little-endian then big-endian (ECMA-119 7.2.3). */
export function both16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value & 0xff;
  buf[at + 1] = (value >>> 8) & 0xff;
  buf[at + 2] = (value >>> 8) & 0xff;
  buf[at + 3] = value & 0xff;
}

/** 32-bit number written little-endian then big-endian (ECMA-119 7.3.3). */
export function both32(buf: Uint8Array, at: number, value: number): void {
  le32(buf, at, value);
  be32(buf, at + 4, value);
}

export function le32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value & 0xff;
  buf[at + 1] = (value >>> 8) & 0xff;
  buf[at + 2] = (value >>> 16) & 0xff;
  buf[at + 3] = (value >>> 24) & 0xff;
}

export function be32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = (value >>> 24) & 0xff;
  buf[at + 1] = (value >>> 16) & 0xff;
  buf[at + 2] = (value >>> 8) & 0xff;
  buf[at + 3] = value & 0xff;
}

export function le16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value & 0xff;
  buf[at + 1] = (value >>> 8) & 0xff;
}

export function be16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = (value >>> 8) & 0xff;
  buf[at + 1] = value & 0xff;
}

/** ASCII text padded with spaces to `width` bytes (a- and d-character fields). */
export function asciiField(buf: Uint8Array, at: number, width: number, text: string): void {
  for (let i = 0; i < width; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    buf[at + i] = c < 0x80 ? c : 0x5f;
  }
}

/** UCS-2 big-endian text padded with UCS-2 spaces; an odd width ends with a zero byte. */
export function ucs2Field(buf: Uint8Array, at: number, width: number, text: string): void {
  const chars = Math.floor(width / 2);
  for (let i = 0; i < chars; i++) be16(buf, at + 2 * i, i < text.length ? text.charCodeAt(i) : 0x20);
  if (width % 2) buf[at + width - 1] = 0;
}

export function ucs2Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) be16(out, 2 * i, text.charCodeAt(i));
  return out;
}

export function asciiBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** The 7-byte date of directory records and TF entries (ECMA-119 9.1.5), in UTC. */
export function recordDate(buf: Uint8Array, at: number, epochSeconds: number): void {
  // One date per image: reuse the last encoding rather than building a Date per record.
  if (epochSeconds === lastDate.seconds) {
    buf.set(lastDate.bytes, at);
    return;
  }
  const d = new Date(epochSeconds * 1000);
  buf[at] = Math.max(0, Math.min(255, d.getUTCFullYear() - 1900));
  buf[at + 1] = d.getUTCMonth() + 1;
  buf[at + 2] = d.getUTCDate();
  buf[at + 3] = d.getUTCHours();
  buf[at + 4] = d.getUTCMinutes();
  buf[at + 5] = d.getUTCSeconds();
  buf[at + 6] = 0; // GMT offset in 15-minute units
  lastDate = { seconds: epochSeconds, bytes: buf.slice(at, at + 7) };
}

let lastDate: { seconds: number; bytes: Uint8Array } = { seconds: NaN, bytes: new Uint8Array(7) };

/** The 17-byte date of volume descriptors (ECMA-119 8.4.26.1); undefined = "not specified". */
export function volumeDate(buf: Uint8Array, at: number, epochSeconds: number | undefined): void {
  if (epochSeconds === undefined) {
    asciiField(buf, at, 16, '0000000000000000');
    buf[at + 16] = 0;
    return;
  }
  asciiField(buf, at, 16, volumeDateText(epochSeconds));
  buf[at + 16] = 0;
}

/** `YYYYMMDDhhmmsscc` in UTC: the volume descriptor's date text, also xorriso's timestring. */
export function volumeDateText(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return (
    p(d.getUTCFullYear(), 4) + p(d.getUTCMonth() + 1, 2) + p(d.getUTCDate(), 2) +
    p(d.getUTCHours(), 2) + p(d.getUTCMinutes(), 2) + p(d.getUTCSeconds(), 2) + '00'
  );
}
