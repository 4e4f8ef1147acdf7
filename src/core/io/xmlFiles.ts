// One XML file on disk against a RELAX NG schema (`vmctx rng`): read, decoded by its encoding
// declaration or BOM as Jing reads it, validated. Unreadable and undecodable files are one
// diagnostic each. The same function runs on the main thread and in the validation workers.
import { readFileSync } from 'node:fs';
import { diagnostic, range, type Diagnostic } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import { validateText, type RngSchema } from '../relaxng/index';
import { decodeXml } from '../xml/encoding';

export function validateXmlFile(schema: RngSchema, file: string): Diagnostic[] {
  let bytes: Uint8Array;
  try {
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
