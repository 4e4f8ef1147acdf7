// Public API of the RELAX NG engine: compile a schema, validate documents into Diagnostics,
// and ask what may come at a position.
import { parseXml, wellFormednessDiagnostics, type XmlDocument } from '../xml/parse';
import { compareDiagnostics, diagnostic, type Diagnostic } from '../common/diagnostic';
import type { DiagnosticCode } from '../common/diagnosticCodes';
import { Walker } from './validate';
import { checkIds } from './idTypes';
import type { RngSchema } from './schema';

export { compileRngSchema, RngSchema, RngSchemaError } from './schema';
export type { SchemaLoader, SchemaProblem } from './reader';
export { whatMayComeHere, whatMayComeHereInText, type Expectations } from './expectAt';

export interface RngValidateOptions {
  /** Diagnostic code: `rng-invalid` by default; the domain validator uses `libvirt-schema`. */
  code?: DiagnosticCode;
  source?: string;
  /** Stop after this many errors (default 1000). */
  maxErrors?: number;
}

/** Validates a parsed document; a malformed document gives its well-formedness error only. */
export function validateDocument(schema: RngSchema, doc: XmlDocument, options: RngValidateOptions = {}): Diagnostic[] {
  if (doc.error) return wellFormednessDiagnostics(doc);
  schema.trim();
  const walker = new Walker(schema, {}, options.maxErrors ?? 1000);
  try {
    walker.run(doc);
  } catch (e) {
    if (e instanceof RangeError) {
      return [diagnostic(options.code ?? 'rng-invalid', 'error', 'document too complex to validate (stack exhausted)', doc.lines.rangeOf(0, 0))];
    }
    throw e;
  }
  const code = options.code ?? 'rng-invalid';
  const extra = options.source ? { source: options.source } : {};
  const faults = [...walker.faults];
  if (schema.ids) checkIds(schema.ids, doc, (span, message) => void (faults.length < (options.maxErrors ?? 1000) && faults.push({ span, message })));
  return faults
    .map((f) => diagnostic(code, 'error', f.message, doc.lines.rangeOf(f.span.start, f.span.end), extra))
    .sort(compareDiagnostics);
}

/** Parses and validates XML text (not kept in the parse cache: each text is validated once). */
export function validateText(schema: RngSchema, text: string, options: RngValidateOptions = {}): Diagnostic[] {
  return validateDocument(schema, parseXml(text, { cache: false }), options);
}
