// Ajv's errors as diagnostics at the YAML key or value they concern. cloud-init's schemas are
// full of anyOf/oneOf; of the alternatives that fail, only the one the data was meant for is
// reported (the one whose type matches), else one "must be X or Y" at the value.
import type { ErrorObject } from 'ajv';
import { diagnostic, type Diagnostic, type Range } from '../common/diagnostic';
import { closestMatch } from '../common/suggest';
import { SOURCE } from './cloudInitTypes';
import { isAlternative, validateAlternative, validateWithSchema, type Annotation, type JsonSchema, type SchemaId } from './cloudInitSchemas';
import { rstToPlain } from './schemaNavigation';
import { locate, nodeSpan, pointerSegments, type ParsedYaml } from './yamlText';
import type { DiagnosticCode } from '../common/diagnosticCodes';

/** Validates parsed YAML against one of cloud-init's schemas; diagnostics at the YAML nodes. */
export function schemaDiagnostics(id: SchemaId, parsed: ParsedYaml, label: string): Diagnostic[] {
  const { errors, annotations } = validateWithSchema(id, parsed.data);
  const out: Diagnostic[] = [];
  for (const e of selectErrors(id, errors)) out.push(toDiagnostic(e, parsed, label));
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

type Err = ErrorObject & { alternatives?: ErrorObject[] };

const errKey = (e: ErrorObject) => `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
const depth = (e: ErrorObject) => (e.instancePath.match(/\//g) ?? []).length;

/**
 * Keeps, for each failed anyOf/oneOf, only the errors of the alternative the data was meant
 * for. Ajv reports every alternative's errors (and those reached through a $ref carry the
 * referenced schema's path), so each alternative is validated on its own: one whose type does
 * not fit the value is "not meant"; among the others the one that got deepest into the data
 * wins. When no alternative fits, one error at the value says what it may be.
 */
export function selectErrors(id: SchemaId, errors: ErrorObject[]): ErrorObject[] {
  let result: Err[] = [...errors];
  const combinators = errors.filter((e) => COMBINATORS.has(e.keyword)).sort((a, b) => a.instancePath.length - b.instancePath.length);
  for (const c of combinators) {
    if (!result.includes(c) || !Array.isArray(c.schema)) continue;
    if (c.keyword === 'oneOf' && c.params.passingSchemas) continue; // matched more than one: keep it
    const at = c.instancePath;
    const perBranch = (c.schema as JsonSchema[]).map((alt) =>
      validateAlternative(id, alt, c.data).map((e) => ({ ...e, instancePath: at + e.instancePath })),
    );
    const fromBranches = new Set(perBranch.flat().map(errKey));
    const under = (e: ErrorObject) => e.instancePath === at || e.instancePath.startsWith(at + '/');
    const index = result.indexOf(c);
    const before = result.slice(0, index).filter((e) => !(under(e) && fromBranches.has(errKey(e))));
    const after = result.slice(index + 1);
    const isTypeError = (e: ErrorObject) => e.instancePath === at && (e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'const' || e.keyword === 'not');
    const candidates = perBranch.map((errs) => selectErrors(id, errs)).filter((errs) => errs.length);
    const fitting = candidates.filter((errs) => !errs.some(isTypeError));
    let replacement: Err[];
    if (fitting.length) {
      const score = (errs: ErrorObject[]) => Math.max(...errs.map(depth));
      fitting.sort((a, b) => score(b) - score(a) || a.length - b.length);
      replacement = mergeEnums(fitting[0], fitting.slice(1));
    } else {
      replacement = [{ ...c, alternatives: candidates.flat().filter(isTypeError) }];
    }
    result = [...before, ...replacement, ...after];
  }
  return result;
}

/** Alternatives told apart by one enum (cloud-init's `type: physical|bond|…`): list all values. */
function mergeEnums(best: ErrorObject[], others: ErrorObject[][]): ErrorObject[] {
  return best.map((e) => {
    if (e.keyword !== 'enum') return e;
    const values = new Set(e.params.allowedValues as unknown[]);
    for (const errs of others) for (const o of errs) if (o.keyword === 'enum' && o.instancePath === e.instancePath) for (const v of o.params.allowedValues as unknown[]) values.add(v);
    return { ...e, params: { ...e.params, allowedValues: [...values] } };
  });
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

function toDiagnostic(e: Err, parsed: ParsedYaml, label: string): Diagnostic {
  const segs = pointerSegments(e.instancePath);
  const where = segs.length ? displayPath(segs) : label;
  const located = locate(parsed.doc, segs);
  const valueRange = spanRange(parsed, located.value ?? located.nearest) ?? parsed.rangeOf(0, 1);
  const keyRange = spanRange(parsed, located.key) ?? valueRange;
  const err = (code: DiagnosticCode, message: string, at: Range, severity: 'error' | 'warning' = 'error') => diagnostic(code, severity, message, at, { source: SOURCE });

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
