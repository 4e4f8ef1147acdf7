// One XML file on disk against a RELAX NG schema (`vmctx rng`): read, decoded by its encoding
// declaration or BOM as Jing reads it, validated. Unreadable and undecodable files are one
// diagnostic each. The same function runs on the main thread and in the validation workers.
import { readFileSync, statSync } from 'node:fs';
import { specialFileKind } from '../image/iso9660/contextEntries';
import { diagnostic, range, type Diagnostic } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import { validateText, type RngSchema } from '../relaxng/index';
import { decodeXml } from '../xml/encoding';

export function validateXmlFile(schema: RngSchema, file: string): Diagnostic[] {
  let bytes: Uint8Array;
  try {
    // Opening a named pipe blocks until a writer comes (no signal ends it): only regular files
    // are read; statSync follows links, as reading would.
    const st = statSync(file);
    if (!st.isFile() && !st.isDirectory()) return [diagnostic('file-unreadable', 'error', `cannot read file: it is ${specialFileKind(st)}, not a file`, range(0, 0, 0, 0))];
    bytes = readFileSync(file);
  } catch (e) {
    return [diagnostic('file-unreadable', 'error', `cannot read file: ${errorMessage(e).replace(/^[A-Z]+: /, '')}`, range(0, 0, 0, 0))];
  }
  const decoded = decodeXml(bytes);
  if (decoded.error) {
    const line = decoded.error.line;
    return [diagnostic('xml-malformed', 'error', `XML is not well-formed: ${decoded.error.message}`, range(line, 0, line, 0))];
  }
  return validateText(schema, decoded.text, { code: 'rng-invalid' });
}
