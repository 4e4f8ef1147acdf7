// `libvirt-schema` diagnostics: the RELAX NG engine's faults against the chosen schema, with
// the schema's file name in the source so the Problems panel says which schema judged.
import { diagnostic, zeroRange, type Diagnostic } from '../../common/diagnostic';
import { validateDocument } from '../../relaxng';
import type { Settings } from '../../settings';
import type { XmlDocument } from '../../xml/parse';
import type { DomainSchemas } from './domainSchema';

/** Bigger documents are not schema-checked (an information diagnostic says so). */
export const MAX_SCHEMA_CHECK_CHARS = 512 * 1024;
const MAX_ERRORS = 200;

// A whole-project check re-runs on every edit of any file; a template's schema diagnostics
// depend only on its (cached, immutable) document and the compiled schema, so keep them.
const memo = new WeakMap<XmlDocument, WeakMap<object, Diagnostic[]>>();

export function schemaDiagnostics(doc: XmlDocument, settings: Settings, schemas: DomainSchemas): Diagnostic[] {
  if (doc.error || !doc.root) return [];
  if (doc.text.length > MAX_SCHEMA_CHECK_CHARS) {
    const kb = Math.round(doc.text.length / 1024);
    return [
      diagnostic('libvirt-schema-skipped', 'information', `not checked against the libvirt schema: the file is ${kb} KB (limit ${MAX_SCHEMA_CHECK_CHARS / 1024} KB); a domain template is a few KB`, doc.lines.rangeOf(doc.root.nameSpan.start, doc.root.nameSpan.end), { source: 'vm-context' }),
    ];
  }
  const schema = schemas.load(settings);
  if (!schema) return [diagnostic('libvirt-schema-skipped', 'information', 'not checked against a schema: no usable domain schema (see the log)', zeroRange, { source: 'vm-context' })];
  let bySchema = memo.get(doc);
  if (!bySchema) memo.set(doc, (bySchema = new WeakMap()));
  let out = bySchema.get(schema.schema);
  if (!out) bySchema.set(schema.schema, (out = validateDocument(schema.schema, doc, { code: 'libvirt-schema', source: schema.source, maxErrors: MAX_ERRORS })));
  // Callers sort and extend the list they get: give each its own copy.
  return [...out];
}
