// A compiled schema as plain JSON, and back: the compiled-schema cache (src/core/io/schemaFiles.ts)
// keeps it so a process does not compile libvirt's domain.rng again. Only the simplified schema
// is written (the patterns reachable from start and from the element declarations, the name
// classes, the datatypes by library, name and parameters, the ID table); reading it rebuilds the
// same hash-consed patterns through the pool's constructors, in the original order, so the
// validator sees the schema it would have compiled. Anything malformed throws SchemaFormatError.
import { K, PatternPool, type ElementDecl, type Pattern } from './patterns';
import { ncAnyName, ncChoice, ncName, ncNsName, type NameClass } from './nameClass';
import { createDatatype, type Datatype } from './datatypes';
import { RngSchema } from './schema';
import type { IdTable, IdType } from './idTypes';

/** Bump when the compiled form or what compiling produces changes: older cache entries are then ignored. */
export const COMPILED_SCHEMA_FORMAT = 1;

export class SchemaFormatError extends Error {}

type NcEntry = [0, string, string] | [1, number] | [2, string, number] | [3, number, number];
type DtEntry = [string, string, Array<[string, string]>];
type PEntry = number[] | [number, number, string, string];

interface Compiled {
  format: number;
  nc: NcEntry[];
  dt: DtEntry[];
  p: PEntry[];
  decls: Array<[number, number]>;
  /** The first declCount declarations are the schema's (RngSchema.decls); the others only its elements'. */
  declCount: number;
  start: number;
  ids: Array<[string, Array<[string, IdType]>]> | null;
}

/** The compiled schema as JSON text. */
export function serializeSchema(schema: RngSchema): string {
  const ncIndex = new Map<string, number>();
  const nc: NcEntry[] = [];
  const ncRef = (c: NameClass): number => {
    let i = ncIndex.get(c.key);
    if (i !== undefined) return i;
    let e: NcEntry;
    if (c.kind === 'name') e = [0, c.ns, c.local];
    else if (c.kind === 'anyName') e = [1, c.except ? ncRef(c.except) : -1];
    else if (c.kind === 'nsName') e = [2, c.ns, c.except ? ncRef(c.except) : -1];
    else e = [3, ncRef(c.a), ncRef(c.b)];
    ncIndex.set(c.key, (i = nc.length));
    nc.push(e);
    return i;
  };
  const dtIndex = new Map<Datatype, number>();
  const dt: DtEntry[] = [];
  const dtRef = (d: Datatype): number => {
    let i = dtIndex.get(d);
    if (i === undefined) {
      dtIndex.set(d, (i = dt.length));
      dt.push([d.library, d.name, d.params.map((x) => [x.name, x.value])]);
    }
    return i;
  };

  // Every pattern reachable from start and from the declarations; operands are always older
  // (smaller id) than the patterns built on them, so id order lists operands first.
  const decls: ElementDecl[] = [...schema.decls];
  const declIndex = new Map<ElementDecl, number>(decls.map((d, i) => [d, i]));
  const seen = new Map<number, Pattern>();
  const stack: Pattern[] = [schema.start, ...decls.map((d) => d.content)];
  while (stack.length) {
    const q = stack.pop()!;
    if (seen.has(q.id)) continue;
    seen.set(q.id, q);
    if (q.k === K.Element) {
      const d = q.el!;
      if (!declIndex.has(d)) {
        declIndex.set(d, decls.length);
        decls.push(d);
      }
      stack.push(d.content);
    } else if (q.k === K.Choice) stack.push(...q.alts!);
    else {
      if (q.a) stack.push(q.a);
      if (q.b) stack.push(q.b);
    }
  }
  const order = [...seen.values()].sort((x, y) => x.id - y.id);
  const index = new Map<Pattern, number>(order.map((q, i) => [q, i]));
  const ref = (q: Pattern): number => index.get(q)!;
  const p: PEntry[] = order.map((q): PEntry => {
    switch (q.k) {
      case K.Choice:
        return [q.k, ...q.alts!.map(ref)];
      case K.Group:
      case K.Interleave:
        return [q.k, ref(q.a!), ref(q.b!)];
      case K.OneOrMore:
      case K.List:
        return [q.k, ref(q.a!)];
      case K.Data:
        return [q.k, dtRef(q.dt!), q.a ? ref(q.a) : -1];
      case K.Value:
        return [q.k, dtRef(q.dt!), q.val!, q.raw!];
      case K.Attribute:
        return [q.k, ncRef(q.nc!), ref(q.a!)];
      case K.Element:
        return [q.k, declIndex.get(q.el!)!];
      case K.NotAllowed:
      case K.Empty:
      case K.Text:
        return [q.k];
      default:
        throw new SchemaFormatError(`pattern kind ${q.k} in a compiled schema`);
    }
  });
  const compiled: Compiled = {
    format: COMPILED_SCHEMA_FORMAT,
    nc,
    dt,
    p,
    decls: decls.map((d) => [ncRef(d.nc), ref(d.content)]),
    declCount: schema.decls.length,
    start: ref(schema.start),
    ids: schema.ids ? [...schema.ids].map(([el, atts]) => [el, [...atts]]) : null,
  };
  return JSON.stringify(compiled);
}

/** The schema back from serializeSchema's text; throws SchemaFormatError if it is not one. */
export function deserializeSchema(text: string, file: string): RngSchema {
  let c: Compiled;
  try {
    c = JSON.parse(text) as Compiled;
  } catch (e) {
    throw new SchemaFormatError(`not JSON: ${(e as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new SchemaFormatError(`malformed compiled schema: ${what}`);
  };
  if (!c || typeof c !== 'object' || c.format !== COMPILED_SCHEMA_FORMAT) fail('format');
  for (const k of ['nc', 'dt', 'p', 'decls'] as const) if (!Array.isArray(c[k])) fail(k);
  const str = (x: unknown): string => (typeof x === 'string' ? x : fail('string expected'));
  const idx = (x: unknown, below: number): number => (Number.isInteger(x) && (x as number) >= 0 && (x as number) < below ? (x as number) : fail('reference out of range'));
  const opt = (x: unknown, below: number): number => (x === -1 ? -1 : idx(x, below));

  const ncs: NameClass[] = [];
  for (const e of c.nc) {
    if (!Array.isArray(e)) fail('name class');
    const n = ncs.length;
    if (e[0] === 0) ncs.push(ncName(str(e[1]), str(e[2])));
    else if (e[0] === 1) {
      const x = opt(e[1], n);
      ncs.push(ncAnyName(x < 0 ? undefined : ncs[x]));
    } else if (e[0] === 2) {
      const x = opt(e[2], n);
      ncs.push(ncNsName(str(e[1]), x < 0 ? undefined : ncs[x]));
    } else if (e[0] === 3) ncs.push(ncChoice(ncs[idx(e[1], n)], ncs[idx(e[2], n)]));
    else fail('name class kind');
  }

  const dts: Datatype[] = [];
  for (const e of c.dt) {
    if (!Array.isArray(e) || !Array.isArray(e[2])) fail('datatype');
    const params = e[2].map((x) => (Array.isArray(x) ? { name: str(x[0]), value: str(x[1]) } : fail('datatype parameter')));
    try {
      dts.push(createDatatype(str(e[0]), str(e[1]), params, true));
    } catch (err) {
      fail(`datatype: ${(err as Error).message}`);
    }
  }

  const pool = new PatternPool();
  // Declarations are made first (their content is filled in at the end, as the simplifier does).
  const decls = c.decls.map((d) => (Array.isArray(d) ? pool.newElementDecl(ncs[idx(d[0], ncs.length)]) : fail('declaration')));
  const ps: Pattern[] = [];
  for (const e of c.p) {
    if (!Array.isArray(e)) fail('pattern');
    const n = ps.length;
    const at = (i: number) => ps[idx(e[i], n)];
    let q: Pattern;
    switch (e[0]) {
      case K.NotAllowed:
        q = pool.notAllowed;
        break;
      case K.Empty:
        q = pool.empty;
        break;
      case K.Text:
        q = pool.text;
        break;
      case K.Choice:
        q = pool.choiceOf(e.slice(1).map((_, i) => at(i + 1)));
        break;
      case K.Group:
        q = pool.group(at(1), at(2));
        break;
      case K.Interleave:
        q = pool.interleave(at(1), at(2));
        break;
      case K.OneOrMore:
        q = pool.oneOrMore(at(1));
        break;
      case K.List:
        q = pool.list(at(1));
        break;
      case K.Data: {
        const x = opt(e[2], n);
        q = pool.data(dts[idx(e[1], dts.length)], x < 0 ? undefined : ps[x]);
        break;
      }
      case K.Value:
        q = pool.value(dts[idx(e[1], dts.length)], str(e[2]), str(e[3]));
        break;
      case K.Attribute:
        q = pool.attribute(ncs[idx(e[1], ncs.length)], at(2));
        break;
      case K.Element:
        q = pool.element(decls[idx(e[1], decls.length)]);
        break;
      default:
        return fail('pattern kind');
    }
    ps.push(q);
  }
  c.decls.forEach((d, i) => (decls[i].content = ps[idx(d[1], ps.length)]));
  const start = ps[idx(c.start, ps.length)];

  let ids: IdTable | undefined;
  if (c.ids !== null) {
    if (!Array.isArray(c.ids)) fail('ids');
    ids = new Map();
    for (const e of c.ids) {
      if (!Array.isArray(e) || !Array.isArray(e[1])) fail('ids');
      const atts = new Map<string, IdType>();
      for (const a of e[1]) {
        if (!Array.isArray(a) || (a[1] !== 'ID' && a[1] !== 'IDREF' && a[1] !== 'IDREFS')) fail('id type');
        atts.set(str(a[0]), a[1]);
      }
      ids.set(str(e[0]), atts);
    }
  }
  return new RngSchema(file, pool, start, decls.slice(0, idx(c.declCount, decls.length + 1)), () => deserializeSchema(text, file), ids);
}
