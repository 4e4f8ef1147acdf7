// A compiled schema as plain JSON, and back: the compiled-schema cache (src/core/io/schemaFiles.ts)
// keeps it so a process does not compile libvirt's domain.rng again. Only the simplified schema
// is written (the patterns reachable from start and from the element declarations, the name
// classes, the datatypes by library, name and parameters, the ID table); reading it rebuilds the
// same hash-consed patterns through the pool's constructors, so the validator sees the schema it
// would have compiled. The read is lazy: an element's content is built when a document first
// reaches that element, so pattern ids follow the documents met; messages therefore never
// depend on id order (expect.ts sorts what they list). Anything malformed throws
// SchemaFormatError, and every entry is checked before anything is built.
import { K, PatternPool, type ElementDecl, type Pattern } from './patterns';
import { ncAnyName, ncChoice, ncName, ncNsName, type NameClass } from './nameClass';
import { createDatatype, type Datatype } from './datatypes';
import type { XsdTranslation } from './xsdRegex';
import { RngSchema } from './schema';
import type { IdTable, IdType } from './idTypes';

/** Bump when the compiled form or what compiling produces changes: older cache entries are then ignored. */
export const COMPILED_SCHEMA_FORMAT = 2;

export class SchemaFormatError extends Error {}

/** An element declaration whose content is built on first use. */
class LazyDecl implements ElementDecl {
  private built: Pattern | undefined = undefined;
  constructor(
    readonly id: number,
    readonly nc: NameClass,
    private readonly load: () => Pattern,
  ) {}
  get content(): Pattern {
    return (this.built ??= this.load());
  }
  set content(p: Pattern) {
    this.built = p;
  }
}

type NcEntry = [0, string, string] | [1, number] | [2, string, number] | [3, number, number];
/** Library, name, parameters, and the translations of its `pattern` parameters (xsdRegex.ts). */
type DtEntry = [string, string, Array<[string, string]>, XsdTranslation[]];
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
      dt.push([d.library, d.name, d.params.map((x) => [x.name, x.value]), d.translations()]);
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
    if (!Array.isArray(e) || !Array.isArray(e[2]) || !Array.isArray(e[3])) fail('datatype');
    const params = e[2].map((x) => (Array.isArray(x) ? { name: str(x[0]), value: str(x[1]) } : fail('datatype parameter')));
    const translations = e[3].map((x): XsdTranslation => (Array.isArray(x) && (x[1] === 0 || x[1] === 1 || x[1] === 2) ? [str(x[0]), x[1]] : fail('regular expression translation')));
    if (translations.length !== params.filter((x) => x.name === 'pattern').length) fail('regular expression translations');
    try {
      dts.push(createDatatype(str(e[0]), str(e[1]), params, true, translations));
    } catch (err) {
      fail(`datatype: ${(err as Error).message}`);
    }
  }

  // Every entry is checked here, before anything is built: a malformed body must fail now,
  // where the cache falls back to a compile, not in the middle of a validation.
  const ps: Array<Pattern | undefined> = new Array(c.p.length);
  const nps = c.p.length;
  for (let j = 0; j < nps; j++) {
    const e = c.p[j];
    if (!Array.isArray(e)) fail('pattern');
    switch (e[0]) {
      case K.NotAllowed:
      case K.Empty:
      case K.Text:
        break;
      case K.Choice:
        if (e.length < 3) fail('choice');
        for (let i = 1; i < e.length; i++) idx(e[i], j);
        break;
      case K.Group:
      case K.Interleave:
        idx(e[1], j);
        idx(e[2], j);
        break;
      case K.OneOrMore:
      case K.List:
        idx(e[1], j);
        break;
      case K.Data:
        idx(e[1], dts.length);
        opt(e[2], j);
        break;
      case K.Value:
        idx(e[1], dts.length);
        str(e[2]);
        str(e[3]);
        break;
      case K.Attribute:
        idx(e[1], ncs.length);
        idx(e[2], j);
        break;
      case K.Element:
        idx(e[1], c.decls.length);
        break;
      default:
        fail('pattern kind');
    }
  }
  const declEntries = c.decls.map((d) => (Array.isArray(d) ? [idx(d[0], ncs.length), idx(d[1], nps)] : fail('declaration')));
  const startIndex = idx(c.start, nps);

  // Patterns are built when first needed: an element's content when a document first reaches
  // that element (most runs meet a small part of libvirt's schema). What a root needs is built
  // in index order, so operands come before the patterns made of them.
  const pool = new PatternPool();
  const queued = new Uint8Array(nps);
  const build = (root: number): Pattern => {
    const have = ps[root];
    if (have) return have;
    const need: number[] = [];
    const stack = [root];
    while (stack.length) {
      const j = stack.pop()!;
      if (queued[j] || ps[j]) continue;
      queued[j] = 1;
      need.push(j);
      const e = c.p[j] as number[];
      const k = e[0];
      if (k === K.Choice) for (let i = 1; i < e.length; i++) stack.push(e[i]);
      else if (k === K.Group || k === K.Interleave) stack.push(e[1], e[2]);
      else if (k === K.OneOrMore || k === K.List) stack.push(e[1]);
      else if ((k === K.Data && e[2] >= 0) || k === K.Attribute) stack.push(e[2]);
    }
    need.sort((x, y) => x - y);
    for (const j of need) {
      const q = make(j);
      // Datatypes are listed in messages in schema order: the compiled form keeps it.
      if (q.k === K.Data) q.ord = j;
      ps[j] = q;
    }
    return ps[root]!;
  };
  const make = (j: number): Pattern => {
    const e = c.p[j] as PEntry;
    const at = (i: number) => ps[e[i] as number]!;
    switch (e[0]) {
      case K.NotAllowed:
        return pool.notAllowed;
      case K.Empty:
        return pool.empty;
      case K.Text:
        return pool.text;
      case K.Choice:
        return pool.choiceOf(e.slice(1).map((_, i) => at(i + 1)));
      case K.Group:
        return pool.group(at(1), at(2));
      case K.Interleave:
        return pool.interleave(at(1), at(2));
      case K.OneOrMore:
        return pool.oneOrMore(at(1));
      case K.List:
        return pool.list(at(1));
      case K.Data:
        return pool.data(dts[e[1]], (e[2] as number) < 0 ? undefined : at(2));
      case K.Value:
        return pool.value(dts[e[1]], e[2] as string, e[3] as string);
      case K.Attribute:
        return pool.attribute(ncs[e[1]], at(2));
      default:
        return pool.element(decls[e[1]]);
    }
  };
  const decls: ElementDecl[] = declEntries.map(([nc, content]) => new LazyDecl(pool.newElementDecl(ncs[nc]).id, ncs[nc], () => build(content)));
  const start = build(startIndex);
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
