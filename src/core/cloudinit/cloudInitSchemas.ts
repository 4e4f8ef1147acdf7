// cloud-init's own JSON schemas (vendored in schemas/cloud-init/; esbuild puts them with yaml and
// Ajv in dist/lazy/cloudinit.js, loaded on first use) compiled with Ajv, each once and only when
// first needed. cloud-config is draft 4 (ajv-draft-04), the
// network-config schemas draft 7 (Ajv's default).
import Ajv, { type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import AjvDraft04 from 'ajv-draft-04';
import cloudConfigSchema from '../../../schemas/cloud-init/schema-cloud-config-v1.json';
import networkV1Schema from '../../../schemas/cloud-init/schema-network-config-v1.json';
import networkV2Schema from '../../../schemas/cloud-init/schema-network-config-v2.json';

export type SchemaId = 'cloud-config' | 'network-config-v1' | 'network-config-v2';

export type JsonSchema = Record<string, unknown>;

// Getters: reading a schema here at module load would load them all with the extension.
export const SCHEMAS: Readonly<Record<SchemaId, JsonSchema>> = {
  get 'cloud-config'() {
    return cloudConfigSchema as JsonSchema;
  },
  get 'network-config-v1'() {
    return networkV1Schema as JsonSchema;
  },
  get 'network-config-v2'() {
    return networkV2Schema as JsonSchema;
  },
};

/**
 * cloud-init's annotation keywords. The `deprecated` and `changed` ones are reported as
 * warnings (as cloud-init does); the others only document (`label`, `hidden` name things in
 * cloud-init's docs; `prefixItems` is not draft 4, and cloud-init's draft-4 validator ignores it).
 */
export const CLOUD_INIT_KEYWORDS = [
  'deprecated',
  'deprecated_version',
  'deprecated_description',
  'changed',
  'changed_version',
  'changed_description',
  'new',
  'new_version',
  'new_description',
  'label',
  'hidden',
  'prefixItems',
] as const;

/** A `deprecated: true` or `changed: true` schema the data went through. */
export interface Annotation {
  kind: 'deprecated' | 'changed';
  instancePath: string;
  schema: JsonSchema;
}

// Filled by the keyword functions during one (synchronous) validation.
let annotations: Annotation[] = [];

/** cloud-init reports an annotated alternative only when the data is of that alternative's type. */
function fitsBasics(schema: JsonSchema, data: unknown): boolean {
  const t = schema.type;
  if (t !== undefined) {
    const types = Array.isArray(t) ? t : [t];
    if (!types.some((x) => typeOf(x as string, data))) return false;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((v) => v === data)) return false;
  if (typeof schema.pattern === 'string' && typeof data === 'string' && !new RegExp(schema.pattern, 'u').test(data)) return false;
  return true;
}

export function typeOf(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    case 'array':
      return Array.isArray(v);
    case 'object':
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    default:
      return true;
  }
}

function configure(ajv: Ajv): Ajv {
  for (const keyword of CLOUD_INIT_KEYWORDS) {
    // Ajv's draft-7 vocabulary has its own annotation-only `deprecated`: cloud-init's replaces it.
    ajv.removeKeyword(keyword);
    if (keyword === 'deprecated' || keyword === 'changed') {
      ajv.addKeyword({
        keyword,
        schemaType: 'boolean',
        errors: false,
        validate: (value: boolean, data: unknown, parentSchema?: JsonSchema, cxt?: { instancePath: string }) => {
          if (value && parentSchema && cxt && fitsBasics(parentSchema, data)) annotations.push({ kind: keyword, instancePath: cxt.instancePath, schema: parentSchema });
          return true;
        },
      });
    } else ajv.addKeyword({ keyword });
  }
  return ajv;
}

const options: Options = {
  allErrors: true,
  verbose: true,
  // cloud-init's own schemas keep a few constructs strict mode objects to (additionalItems
  // next to a single `items`); the keyword list is checked by a unit test instead.
  strict: false,
  logger: false,
  // cloud-init's validator checks "date"; "uri" and "hostname" need Python packages Debian's
  // cloud-init does not pull in, so it does not check them either.
  formats: { uri: true as const, hostname: true as const, date: /^\d{4}-\d{2}-\d{2}$/ },
};

let draft04: Ajv | undefined;
let draft07: Ajv | undefined;
const compiled = new Map<SchemaId, ValidateFunction>();

function ajvFor(id: SchemaId): Ajv {
  if (id === 'cloud-config') return (draft04 ??= configure(new AjvDraft04(options)));
  return (draft07 ??= configure(new Ajv(options)));
}

function validatorOf(id: SchemaId): ValidateFunction {
  let v = compiled.get(id);
  if (!v) {
    v = ajvFor(id).compile(SCHEMAS[id]);
    compiled.set(id, v);
  }
  return v;
}

const branchValidators = new WeakMap<object, ValidateFunction>();

/**
 * The errors of `data` against one alternative of an anyOf/oneOf of schema `id` (the
 * alternative's own object, from a verbose Ajv error), to tell which alternative was meant.
 * Compiled once per alternative, only when some data fails it.
 */
export function validateAlternative(id: SchemaId, alternative: JsonSchema, data: unknown): ErrorObject[] {
  let v = branchValidators.get(alternative);
  if (!v) {
    // The alternative's $refs point into the root's $defs: give it those.
    v = ajvFor(id).compile({ ...alternative, $defs: SCHEMAS[id].$defs });
    branchValidators.set(alternative, v);
  }
  const saved = annotations;
  annotations = [];
  try {
    v(data);
    return [...(v.errors ?? [])];
  } finally {
    annotations = saved;
  }
}

let alternatives: WeakSet<object> | undefined;

/** Whether a schema is one alternative of an anyOf/oneOf (its annotation is about the value's form). */
export function isAlternative(schema: object): boolean {
  if (!alternatives) {
    const set = new WeakSet<object>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'anyOf' || k === 'oneOf') && Array.isArray(x)) for (const alt of x) if (alt && typeof alt === 'object') set.add(alt);
          walk(x);
        }
      }
    };
    Object.values(SCHEMAS).forEach(walk);
    alternatives = set;
  }
  return alternatives.has(schema);
}

export interface SchemaResult {
  errors: ErrorObject[];
  annotations: Annotation[];
}

export function validateWithSchema(id: SchemaId, data: unknown): SchemaResult {
  const validate = validatorOf(id);
  annotations = [];
  try {
    validate(data);
    return { errors: [...(validate.errors ?? [])], annotations };
  } finally {
    annotations = [];
  }
}
