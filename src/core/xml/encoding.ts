// Bytes → text for XML files (XML 1.0 §4.3.3 and appendix F): the byte order mark or the first
// bytes tell UTF-16 from the rest, and the encoding declaration names the encoding. UTF-8,
// UTF-16, ISO-8859-1 and US-ASCII are read; any other encoding, bytes that are not valid in the
// encoding, or a declaration that contradicts the bytes are a clear error, never replacement
// characters.

export type DecodedXml = { text: string; error?: undefined } | { text?: undefined; error: { message: string; byte: number; line: number } };

type Family = 'utf-8' | 'utf-16le' | 'utf-16be';

const SUPPORTED = 'UTF-8, UTF-16, ISO-8859-1 or US-ASCII';

/** One decoder for every file: it checks the bytes natively (`fatal`), where a loop over each
 *  byte in JavaScript cost more than the decoding itself (invalidUtf8 then only finds the place). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The encoding a declared name stands for, if it is one we read. */
function canonical(name: string): 'utf-8' | 'utf-16' | 'utf-16le' | 'utf-16be' | 'latin1' | 'ascii' | undefined {
  switch (name.toUpperCase()) {
    case 'UTF-8':
    case 'UTF8':
      return 'utf-8';
    case 'UTF-16':
      return 'utf-16';
    case 'UTF-16LE':
      return 'utf-16le';
    case 'UTF-16BE':
      return 'utf-16be';
    case 'ISO-8859-1':
    case 'ISO_8859-1':
    case 'ISO8859-1':
    case 'LATIN1':
    case 'LATIN-1':
    case 'L1':
      return 'latin1';
    case 'US-ASCII':
    case 'ASCII':
      return 'ascii';
    default:
      return undefined;
  }
}

/** Decodes the bytes of an XML document (a BOM is dropped). */
export function decodeXml(bytes: Uint8Array): DecodedXml {
  const b = bytes;
  let family: Family = 'utf-8';
  let skip = 0;
  let bom = false;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) [skip, bom] = [3, true];
  else if (b[0] === 0xfe && b[1] === 0xff) [family, skip, bom] = ['utf-16be', 2, true];
  else if (b[0] === 0xff && b[1] === 0xfe) [family, skip, bom] = ['utf-16le', 2, true];
  else if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] === 0x3f) family = 'utf-16be';
  else if (b[0] === 0x3c && b[1] === 0x00 && b[2] === 0x3f && b[3] === 0x00) family = 'utf-16le';
  else if ((b[0] === 0 && b[1] === 0 && (b[2] === 0 || b[3] === 0)) || (b[0] === 0x4c && b[1] === 0x6f && b[2] === 0xa7 && b[3] === 0x94)) {
    return fail(`the encoding of this file (UCS-4 or EBCDIC) is not supported: use ${SUPPORTED}`, 0, b);
  }

  // The declaration is ASCII in every encoding read here: look at its characters only.
  const head: number[] = [];
  const step = family === 'utf-8' ? 1 : 2;
  for (let i = skip; i + step - 1 < b.length && head.length < 256; i += step) {
    head.push(family === 'utf-8' ? b[i] : family === 'utf-16le' ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1]);
    // Most files have no declaration: read no further than a start that is not `<?xml`.
    if (head.length === 5 && String.fromCharCode(...head) !== '<?xml') break;
  }
  const decl = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])[^"']*\1[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([^"']*)\2/.exec(String.fromCharCode(...head));
  const declared = decl?.[3];
  const at = decl ? skip + decl[0].length * step - (declared!.length + 1) * step : 0;
  let encoding: ReturnType<typeof canonical> = family === 'utf-8' ? 'utf-8' : family;
  if (declared !== undefined) {
    const named = canonical(declared);
    if (!named) return fail(`encoding "${declared}" is not supported: use ${SUPPORTED}`, at, b);
    const sixteen = named.startsWith('utf-16');
    if (sixteen !== (family !== 'utf-8') || (named === 'utf-16le' && family === 'utf-16be') || (named === 'utf-16be' && family === 'utf-16le')) {
      return fail(`the file declares encoding "${declared}" but its bytes are ${family === 'utf-8' ? (bom ? 'UTF-8 (it starts with a UTF-8 byte order mark)' : 'not UTF-16') : `${family.toUpperCase()}`}`, at, b);
    }
    if ((named === 'latin1' || named === 'ascii') && bom) {
      return fail(`the file declares encoding "${declared}" but starts with a UTF-8 byte order mark`, at, b);
    }
    if (!sixteen) encoding = named;
  }

  const body = b.subarray(skip);
  switch (encoding) {
    case 'utf-8': {
      try {
        return { text: UTF8.decode(body) };
      } catch {
        const bad = Math.max(0, invalidUtf8(body));
        return fail(`byte 0x${body[bad].toString(16).toUpperCase().padStart(2, '0')} is not valid UTF-8: declare the file's encoding (e.g. <?xml version="1.0" encoding="ISO-8859-1"?>) or save it as UTF-8`, skip + bad, b);
      }
    }
    case 'latin1': {
      let text = '';
      for (let i = 0; i < body.length; i += 8192) text += String.fromCharCode(...body.subarray(i, i + 8192));
      return { text };
    }
    case 'ascii': {
      const bad = body.findIndex((x) => x > 0x7f);
      if (bad >= 0) return fail(`byte 0x${body[bad].toString(16).toUpperCase()} is not US-ASCII, which the file declares`, skip + bad, b);
      return { text: UTF8.decode(body) };
    }
    default: {
      if (body.length % 2) return fail('the file ends in the middle of a UTF-16 character', b.length - 1, b);
      try {
        return { text: new TextDecoder(encoding, { fatal: true }).decode(body) };
      } catch {
        return fail(`the bytes are not valid ${encoding.toUpperCase()} (an unpaired surrogate)`, skip, b);
      }
    }
  }
}

function fail(message: string, byte: number, b: Uint8Array): DecodedXml {
  let line = 0;
  for (let i = 0; i < byte && i < b.length; i++) if (b[i] === 0x0a) line++;
  return { error: { message, byte, line } };
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
function invalidUtf8(b: Uint8Array): number {
  const n = b.length;
  for (let i = 0; i < n; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [len, min] = [2, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [len, min] = [3, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [len, min] = [4, 0x10000];
    else return i;
    if (i + len > n) return i;
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return -1;
}
