// Reading cloud-init's schemas by path (for "did you mean", completion and hover): the
// subschemas that apply at a key path, with $ref, allOf, anyOf and oneOf flattened.
import type { JsonSchema } from './cloudInitSchemas';

const isSchema = (v: unknown): v is JsonSchema => v !== null && typeof v === 'object' && !Array.isArray(v);

function resolvePointer(root: JsonSchema, ref: string): JsonSchema | undefined {
  // The schemas only use local refs; an absolute $id-style ref names the cloud-config schema itself.
  const hash = ref.indexOf('#');
  const pointer = hash >= 0 ? ref.slice(hash + 1) : '';
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isSchema(cur)) return undefined;
    cur = cur[seg];
  }
  return isSchema(cur) ? cur : undefined;
}

/** The schema itself and every schema it refers to or combines, flattened (no duplicates). */
export function expand(root: JsonSchema, schema: JsonSchema | undefined): JsonSchema[] {
  const out: JsonSchema[] = [];
  const seen = new Set<JsonSchema>();
  const visit = (s: JsonSchema | undefined) => {
    if (!s || seen.has(s)) return;
    seen.add(s);
    out.push(s);
    if (typeof s.$ref === 'string') visit(resolvePointer(root, s.$ref));
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = s[k];
      if (Array.isArray(list)) for (const x of list) if (isSchema(x)) visit(x);
    }
  };
  visit(schema);
  return out;
}

/** The schemas that apply to the value at `path` (keys and sequence indexes) below `root`. */
export function schemasAt(root: JsonSchema, path: readonly (string | number)[]): JsonSchema[] {
  let current = expand(root, root);
  for (const seg of path) {
    const next: JsonSchema[] = [];
    for (const s of current) {
      if (typeof seg === 'number') {
        if (isSchema(s.items)) next.push(...expand(root, s.items));
        else if (Array.isArray(s.items) && isSchema(s.items[seg])) next.push(...expand(root, s.items[seg] as JsonSchema));
        continue;
      }
      const props = isSchema(s.properties) ? s.properties : undefined;
      if (props && isSchema(props[seg])) {
        next.push(...expand(root, props[seg] as JsonSchema));
        continue;
      }
      let matched = false;
      if (isSchema(s.patternProperties)) {
        for (const [pattern, sub] of Object.entries(s.patternProperties)) {
          if (isSchema(sub) && safeTest(pattern, seg)) {
            next.push(...expand(root, sub));
            matched = true;
          }
        }
      }
      if (!matched && isSchema(s.additionalProperties)) next.push(...expand(root, s.additionalProperties));
    }
    current = [...new Set(next)];
    if (!current.length) break;
  }
  return current;
}

function safeTest(pattern: string, s: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(s);
  } catch {
    return false;
  }
}

export interface PropertyDoc {
  name: string;
  /** Every schema of the property (its own and what it refers to). */
  schemas: JsonSchema[];
  description?: string;
  deprecated?: { version?: string; description?: string };
}

/** The named properties the schemas at `path` declare, with their documentation. */
export function propertiesAt(root: JsonSchema, path: readonly (string | number)[]): Map<string, PropertyDoc> {
  const out = new Map<string, PropertyDoc>();
  for (const s of schemasAt(root, path)) {
    if (!isSchema(s.properties)) continue;
    for (const [name, sub] of Object.entries(s.properties)) {
      if (!isSchema(sub)) continue;
      const schemas = expand(root, sub);
      const prev = out.get(name);
      if (prev) {
        prev.schemas.push(...schemas.filter((x) => !prev.schemas.includes(x)));
        prev.description ??= describe(schemas);
        continue;
      }
      out.set(name, { name, schemas, description: describe(schemas), deprecated: deprecationOf(schemas[0]) });
    }
  }
  return out;
}

function describe(schemas: JsonSchema[]): string | undefined {
  for (const s of schemas) if (typeof s.description === 'string' && s.description.trim()) return s.description;
  return undefined;
}

function deprecationOf(s: JsonSchema | undefined): PropertyDoc['deprecated'] {
  if (!s || s.deprecated !== true) return undefined;
  return { version: str(s.deprecated_version), description: str(s.deprecated_description) };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The values an enum (or boolean type) allows at this place, for value completion. */
export function valuesOf(schemas: JsonSchema[]): unknown[] {
  const out = new Set<unknown>();
  for (const s of schemas) {
    if (Array.isArray(s.enum)) for (const v of s.enum) out.add(v);
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes('boolean') && !Array.isArray(s.enum)) {
      out.add(true);
      out.add(false);
    }
  }
  return [...out];
}

/** cloud-init writes its descriptions in reStructuredText: ``code`` and **bold**; this makes Markdown. */
export function rstToMarkdown(s: string): string {
  return s.replace(/``([^`]+)``/g, '`$1`').replace(/:ref:`([^`<]+?)(?:\s*<[^>]+>)?`/g, '$1');
}

/** One plain line for messages: no markup. */
export function rstToPlain(s: string): string {
  return rstToMarkdown(s)
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
