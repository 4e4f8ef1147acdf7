// One XML file on disk against a RELAX NG schema (`vmctx rng`): read, decoded by its encoding
// declaration or BOM as Jing reads it, validated. Unreadable and undecodable files are one
// diagnostic each. The same function runs on the main thread and in the validation workers.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { READ_NONBLOCKING, readFullySync, specialKind } from './regularFile';
import { diagnostic, range, type Diagnostic } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import { validateText, type RngSchema } from '../relaxng/index';
import { decodeXml } from '../xml/encoding';

/** One buffer for every file read here: the text is decoded out of it before the next read. */
let scratch = Buffer.allocUnsafeSlow(1 << 16);

/**
 * A regular file's bytes, or the one-line reason it cannot be read. One open, the reads, one
 * close; fstat only when the reads leave the kind of file in doubt. A read that stops short of
 * the buffer is followed by one that must find the end (0 bytes): a regular file ends there,
 * while a pipe, device or directory gives an error, no bytes or a full buffer, and is then
 * told by its fstat as before. fstat on every file cost more than the extra read: Node makes
 * a Stats object with four Dates for each (an eighth of what `vmctx rng` allocated per file).
 *
 * Synchronous, on the validating thread: reading ahead elsewhere cost more than these reads
 * (about 45 ms over libvirt's 2,263 test domains). Reading them with fs callbacks on libuv's pool
 * (open, read, read, close per file, 16 files in flight, 120 us of work per file between) cost
 * the main thread about 140 ms more CPU in callbacks and event loop turns, an async open alone
 * 40 ms more; a reader worker thread handing the bytes over through shared memory made the whole
 * run 100-170 ms slower and 5,400 page faults heavier (a Node worker's start alone: about 80 ms
 * of CPU on 2 cores).
 */
function readRegularFile(file: string): Uint8Array | string {
  let fd: number;
  try {
    fd = openSync(file, READ_NONBLOCKING);
  } catch (e) {
    // A socket cannot be opened at all (ENXIO): say what it is, as for a pipe or a device.
    try {
      const special = specialKind(statSync(file));
      if (special) return special;
    } catch {
      // The open's own error says it.
    }
    return reason(e);
  }
  try {
    let n = 0;
    try {
      n = readSync(fd, scratch, 0, scratch.length, null);
      if (n > 0 && n < scratch.length) {
        const more = readSync(fd, scratch, n, scratch.length - n, null);
        if (more === 0) return scratch.subarray(0, n);
        n += more;
      }
    } catch (e) {
      // A directory (EISDIR), a pipe without data (EAGAIN): fstat says which, else the error does.
      return specialKind(fstatSync(fd)) ?? reason(e);
    }
    // Empty, larger than the buffer, or not a regular file.
    const st = fstatSync(fd);
    if (!st.isFile()) return specialKind(st) ?? 'it is a folder, not a file';
    const size = st.size;
    if (size > 0) {
      // Up to the size fstat gave (as readFileSync reads); a file shortened meanwhile ends sooner.
      if (size > scratch.length) scratch = grown(scratch, Math.max(size, scratch.length * 2), n);
      if (size > n) n += readFullySync(fd, scratch, size - n, n, n);
      return scratch.subarray(0, Math.min(n, size));
    }
    // Size 0 may be a file whose size is not known ahead (/proc): to its end.
    for (let r = 1; r > 0; n += r) {
      if (n === scratch.length) scratch = grown(scratch, scratch.length * 2, n);
      r = readSync(fd, scratch, n, scratch.length - n, null);
    }
    return scratch.subarray(0, n);
  } catch (e) {
    return reason(e);
  } finally {
    closeSync(fd);
  }
}

/** The error's message without Node's code in front ("ENOENT: no such file…" → "no such file…"). */
function reason(e: unknown): string {
  return errorMessage(e).replace(/^[A-Z]+: /, '');
}


/** A larger buffer holding the first `keep` bytes of `b`. */
function grown(b: Uint8Array, size: number, keep: number): typeof scratch {
  const r = Buffer.allocUnsafeSlow(size);
  r.set(b.subarray(0, keep));
  return r;
}

export function validateXmlFile(schema: RngSchema, file: string): Diagnostic[] {
  const bytes = readRegularFile(file);
  if (typeof bytes === 'string') return [diagnostic('file-unreadable', 'error', `cannot read file: ${bytes}`, range(0, 0, 0, 0))];
  const decoded = decodeXml(bytes);
  if (decoded.error) {
    const line = decoded.error.line;
    return [diagnostic('xml-malformed', 'error', `XML is not well-formed: ${decoded.error.message}`, range(line, 0, line, 0))];
  }
  return validateText(schema, decoded.text, { code: 'rng-invalid' });
}
