// Where a byte string stops being UTF-8: libvirt (libxml2) refuses such a template outright
// ("Input is not proper UTF-8"), while decoders quietly turn the byte into U+FFFD.
import { isUtf8 } from 'node:buffer';

/** Offset of the first byte that is not part of valid UTF-8, or undefined when all of it is. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  // Node's validator makes no string: 1,000 templates cost under 1 ms, where a fatal
  // TextDecoder (ICU in Node 20) took 10-47 ms. Only files that fail pay for the byte loop.
  if (isUtf8(bytes)) return undefined;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return undefined;
}

/** True when the bytes start with the UTF-8 byte-order mark EF BB BF. */
export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}
