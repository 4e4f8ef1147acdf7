// Public API of the RELAX NG engine: compile a schema, validate documents into Diagnostics,
// and ask what may come at a position.
import { parseXml, scanXml, wellFormednessDiagnostics, type XmlDocument } from '../xml/parse';
import { LineIndex } from '../common/text';
import { compareDiagnostics, diagnostic, type Diagnostic } from '../common/diagnostic';
import type { DiagnosticCode } from '../common/diagnosticCodes';
import { Walker, type Fault } from './validate';
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
  const faults = [...walker.faults];
  if (schema.ids) checkIds(schema.ids, doc, (span, message) => void (faults.length < (options.maxErrors ?? 1000) && faults.push({ span, message })));
  return faultDiagnostics(faults, () => doc.lines, options);
}

/** The faults as diagnostics, sorted; line starts are only computed for a text with faults (most have none). */
function faultDiagnostics(faults: readonly Fault[], lineIndex: () => LineIndex, options: RngValidateOptions): Diagnostic[] {
  if (faults.length === 0) return [];
  const lines = lineIndex();
  const code = options.code ?? 'rng-invalid';
  const extra = options.source ? { source: options.source } : {};
  return faults.map((f) => diagnostic(code, 'error', f.message, lines.rangeOf(f.span.start, f.span.end), extra)).sort(compareDiagnostics);
}

/**
 * Parses and validates XML text as it is read, building no tree (each text is validated once:
 * nothing is kept). The same diagnostics as validateDocument(parseXml(text)): the faults found
 * are dropped when the text turns out not to be well-formed.
 */
export function validateText(schema: RngSchema, text: string, options: RngValidateOptions = {}): Diagnostic[] {
  // ID checks need the whole document; so does the one message of a document too deep for the stack.
  if (schema.ids) return validateDocument(schema, parseXml(text, { cache: false }), options);
  schema.trim();
  let lines: LineIndex | undefined;
  const lineIndex = () => (lines ??= new LineIndex(text));
  const walker = textWalker(schema, options.maxErrors ?? 1000);
  walker.begin(text);
  let error: XmlDocument['error'];
  try {
    error = scanXml(text, walker, lineIndex);
  } catch (e) {
    if (e instanceof RangeError) return validateDocument(schema, parseXml(text, { cache: false }), options);
    throw e;
  }
  const found = error ? wellFormednessDiagnostics({ error, lines: lineIndex() }) : faultDiagnostics(walker.faults, lineIndex, options);
  walker.begin(''); // keeps no text alive
  return found;
}

/** The walker validateText uses for a schema: one, kept with its frames from text to text
 *  (a new walker per text made a sixth of what `vmctx rng` allocated per file). */
const textWalkers = new WeakMap<RngSchema, Walker>();
function textWalker(schema: RngSchema, maxFaults: number): Walker {
  let w = textWalkers.get(schema);
  if (!w || !w.fits(schema, maxFaults)) textWalkers.set(schema, (w = new Walker(schema, {}, maxFaults)));
  return w;
}
