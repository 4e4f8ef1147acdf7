// One XML file on disk against a RELAX NG schema (`vmctx rng`): read, decoded by its encoding
// declaration or BOM as Jing reads it, validated. Unreadable and undecodable files are one
// diagnostic each. The same function runs on the main thread and in the validation workers.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { READ_NONBLOCKING, readFullySync } from './regularFile';
import { specialFileKind } from '../image/iso9660/contextEntries';
import { diagnostic, range, type Diagnostic } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import { validateText, type RngSchema } from '../relaxng/index';
import { decodeXml } from '../xml/encoding';

/** One buffer for every file read here: the text is decoded out of it before the next read. */
let scratch = Buffer.allocUnsafeSlow(1 << 16);

/** A regular file's bytes, or the one-line reason it cannot be read. One open, one fstat, the reads, one close. */
function readRegularFile(file: string): Uint8Array | string {
  let fd: number;
  try {
    fd = openSync(file, READ_NONBLOCKING);
  } catch (e) {
    // A socket cannot be opened at all (ENXIO): say what it is, as for a pipe or a device.
    try {
      const st = statSync(file);
      if (!st.isFile() && !st.isDirectory()) return `it is ${specialFileKind(st)}, not a file`;
    } catch {
      // The open's own error says it.
    }
    return errorMessage(e).replace(/^[A-Z]+: /, '');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() && !st.isDirectory()) return `it is ${specialFileKind(st)}, not a file`;
    if (st.isDirectory()) readSync(fd, scratch, 0, 1, null); // EISDIR, as reading it would say
    const size = st.size;
    if (size > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.max(size, scratch.length * 2));
    let n = 0;
    // Up to the size fstat gave (as readFileSync reads); a file shortened meanwhile ends sooner.
    if (size > 0) n = readFullySync(fd, scratch, size, 0);
    else {
      // Size 0 may be a file whose size is not known ahead (/proc): to its end.
      for (let r = 1; r > 0; n += r) {
        if (n === scratch.length) scratch = Buffer.concat([scratch, Buffer.allocUnsafeSlow(scratch.length)]);
        r = readSync(fd, scratch, n, scratch.length - n, null);
      }
    }
    return scratch.subarray(0, n);
  } catch (e) {
    return errorMessage(e).replace(/^[A-Z]+: /, '');
  } finally {
    closeSync(fd);
  }
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
