// Ajv's errors as diagnostics at the YAML key or value they concern. cloud-init's schemas are
// full of anyOf/oneOf; of the alternatives that fail, only the one the data was meant for is
// reported (the one whose type matches), else one "must be X or Y" at the value.
import type { ErrorObject } from 'ajv';
import { diagnostic, type Diagnostic, type Range } from '../common/diagnostic';
import { closestMatch } from '../common/suggest';
import { SOURCE } from './cloudInitTypes';
import { isAlternative, validateWithSchema, type Annotation, type JsonSchema, type SchemaId } from './cloudInitSchemas';
import { rstToPlain } from './schemaNavigation';
import { locate, nodeSpan, pointerSegments, type ParsedYaml } from './yamlText';

/** Validates parsed YAML against one of cloud-init's schemas; diagnostics at the YAML nodes. */
export function schemaDiagnostics(id: SchemaId, parsed: ParsedYaml, label: string): Diagnostic[] {
  const { errors, annotations } = validateWithSchema(id, parsed.data);
  const out: Diagnostic[] = [];
  for (const e of selectErrors(errors)) out.push(toDiagnostic(e, parsed, label));
  for (const a of dedupeAnnotations(annotations)) out.push(annotationDiagnostic(a, parsed));
  // Ajv can report one problem twice (through two refs); keep one per place and text.
  const seen = new Set<string>();
  return out.filter((d) => {
    const k = `${d.range.start.line}:${d.range.start.character}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const COMBINATORS = new Set(['anyOf', 'oneOf']);

/**
 * Drops the errors of alternatives the data was not meant for (see the header comment). Ajv
 * lists a failed anyOf/oneOf right after its alternatives' errors; errors reached through a
 * $ref carry the referenced schema's path, so the alternatives are told apart by what they
 * say about the value itself: a type (or enum) mismatch means "not this alternative".
 */
export function selectErrors(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const under = (e: ErrorObject, at: string) => e.instancePath === at || e.instancePath.startsWith(at + '/');
  const order = errors
    .map((e, i) => [e, i] as const)
    .filter(([e]) => COMBINATORS.has(e.keyword))
    .sort(([a], [b]) => a.instancePath.length - b.instancePath.length || a.schemaPath.length - b.schemaPath.length);
  for (const [c, index] of order) {
    if (dropped.has(c)) continue;
    const run: ErrorObject[] = [];
    for (let i = index - 1; i >= 0 && under(errors[i], c.instancePath); i--) if (!dropped.has(errors[i])) run.push(errors[i]);
    if (c.keyword === 'oneOf' && c.params.passingSchemas) continue; // matched more than one: keep it
    const isTypeError = (e: ErrorObject) => e.instancePath === c.instancePath && (e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'const' || e.keyword === 'not');
    const typeErrors = run.filter(isTypeError);
    const content = run.filter((e) => !isTypeError(e));
    for (const e of typeErrors) dropped.add(e);
    if (content.length) dropped.add(c);
    else (c as ErrorObject & { alternatives?: ErrorObject[] }).alternatives = typeErrors;
  }
  return errors.filter((e) => !dropped.has(e));
}

function displayPath(segments: readonly string[]): string {
  let s = '';
  for (const seg of segments) s += /^\d+$/.test(seg) ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

const quote = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));
const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${quote(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v === 'number' && Number.isInteger(v) ? 'the integer' : `the ${typeof v}`} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = { object: 'mapping', array: 'list', integer: 'integer', number: 'number', string: 'string', boolean: 'boolean (true/false)', null: 'null' };

function typeWords(t: unknown): string[] {
  return (Array.isArray(t) ? t : String(t).split(',')).map((x) => TYPE_WORDS[String(x)] ?? String(x));
}

function expectedOf(errs: ErrorObject[]): string {
  const parts = new Set<string>();
  for (const e of errs) {
    if (e.keyword === 'type') for (const w of typeWords(e.params.type)) parts.add(article(w));
    else if (e.keyword === 'enum') for (const v of e.params.allowedValues as unknown[]) parts.add(quote(v));
    else if (e.keyword === 'const') parts.add(quote(e.params.allowedValue));
  }
  return [...parts].join(' or ');
}

function toDiagnostic(e: ErrorObject & { alternatives?: ErrorObject[] }, parsed: ParsedYaml, label: string): Diagnostic {
  const segs = pointerSegments(e.instancePath);
  const where = segs.length ? displayPath(segs) : label;
  const located = locate(parsed.doc, segs);
  const valueRange = spanRange(parsed, located.value ?? located.nearest) ?? parsed.rangeOf(0, 1);
  const keyRange = spanRange(parsed, located.key) ?? valueRange;
  const err = (code: string, message: string, at: Range, severity: 'error' | 'warning' = 'error') => diagnostic(code, severity, message, at, { source: SOURCE });

  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      const child = locate(parsed.doc, [...segs, name]);
      const props = Object.keys(((e.parentSchema as JsonSchema | undefined)?.properties as JsonSchema | undefined) ?? {});
      const guess = closestMatch(name, props);
      const at = spanRange(parsed, child.key) ?? keyRange;
      const inWhat = segs.length ? ` in ${where}` : '';
      return err('cloudinit-schema-unknown-key', `unknown key '${name}'${inWhat}${guess ? `; did you mean '${guess}'?` : ''} (cloud-init ignores it)`, at);
    }
    case 'type':
      return err('cloudinit-schema-type', `${where} must be ${typeWords(e.params.type).map(article).join(' or ')}, not ${describeValue(e.data)}`, valueRange);
    case 'enum': {
      const allowed = e.params.allowedValues as unknown[];
      const guess = typeof e.data === 'string' ? closestMatch(e.data, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
      return err('cloudinit-schema-enum', `${where} must be one of ${allowed.map(quote).join(', ')}, not ${describeValue(e.data)}${guess ? `; did you mean '${guess}'?` : ''}`, valueRange);
    }
    case 'required':
      return err('cloudinit-schema-required', `${where} is missing the required key '${String(e.params.missingProperty)}'`, segs.length ? keyRange : valueRange);
    case 'anyOf':
    case 'oneOf': {
      const alternatives = e.alternatives ?? [];
      const expected = expectedOf(alternatives);
      if (e.keyword === 'oneOf' && e.params.passingSchemas) return err('cloudinit-schema-invalid', `${where} matches more than one of the forms cloud-init allows here; it must match exactly one`, valueRange);
      return err(expected ? 'cloudinit-schema-type' : 'cloudinit-schema-invalid', expected ? `${where} must be ${expected}, not ${describeValue(e.data)}` : `${where} does not match any form cloud-init allows here`, valueRange);
    }
    default:
      return err('cloudinit-schema-invalid', `${where} ${e.message ?? 'is invalid'}${e.keyword === 'pattern' || e.keyword === 'format' ? ` (got ${describeValue(e.data)})` : ''}`, valueRange);
  }
}

function spanRange(parsed: ParsedYaml, node: Parameters<typeof nodeSpan>[0]): Range | undefined {
  const s = nodeSpan(node);
  return s ? parsed.rangeOf(s[0], s[1]) : undefined;
}

function dedupeAnnotations(list: Annotation[]): Annotation[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const k = `${a.kind}:${a.instancePath}:${String(a.schema[`${a.kind}_description`])}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function annotationDiagnostic(a: Annotation, parsed: ParsedYaml): Diagnostic {
  const segs = pointerSegments(a.instancePath);
  const located = locate(parsed.doc, segs);
  // An alternative's annotation (a deprecated type or value) is about the value; a
  // property's own annotation is about its key.
  const aboutValue = isAlternative(a.schema);
  const at = spanRange(parsed, aboutValue ? (located.value ?? located.key) : (located.key ?? located.value)) ?? parsed.rangeOf(0, 1);
  const version = a.schema[`${a.kind}_version`];
  const description = a.schema[`${a.kind}_description`];
  const what = segs.length ? displayPath(segs) : 'this value';
  const verb = a.kind === 'deprecated' ? 'is deprecated' : 'changed';
  const message = `${what} ${verb}${typeof version === 'string' ? ` in cloud-init ${version}` : ''}${typeof description === 'string' ? `: ${rstToPlain(description)}` : ''}`;
  return diagnostic(a.kind === 'deprecated' ? 'cloudinit-deprecated' : 'cloudinit-changed', 'warning', message, at, { source: SOURCE });
}
