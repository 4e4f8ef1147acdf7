// zlib's native CRC-32, the cheap checksum of the caches' own files (code cache entries,
// compiled schemas): it finds a truncated or damaged entry without loading node:crypto (about
// 5 ms and 15 internal modules at start-up).

let crc32: ((data: Uint8Array | string) => number) | null | undefined;

/** zlib.crc32 (Node 20.15 and later), or undefined on an older Node. */
export function crc32Function(): ((data: Uint8Array | string) => number) | undefined {
  if (crc32 === undefined) {
    try {
      // Loaded on first use rather than at the top: only the runs that read a cache pay for it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const zlib = require('node:zlib') as { crc32?: (data: Uint8Array | string) => number };
      crc32 = typeof zlib.crc32 === 'function' ? zlib.crc32 : null;
    } catch {
      crc32 = null;
    }
  }
  return crc32 ?? undefined;
}
