// Simplified RELAX NG patterns, hash-consed: building the same pattern twice returns the same
// object, so derivatives can be memoized on the pattern itself and repeated documents (or
// repeated siblings) reuse earlier work. Constructors apply the algebraic identities of
// Clark's algorithm (notAllowed absorbs, empty is a unit, choices are flattened sets).
import type { NameClass } from './nameClass';
import type { Datatype } from './datatypes';
// Not ABSENT: `>= 0` (found) in the lookups. Where modules are transpiled to CommonJS (tsx: the
// tests and benches), each use of an imported name is a getter call.
import { PairTable } from './pairTable';

export const K = {
  NotAllowed: 0,
  Empty: 1,
  Text: 2,
  Choice: 3,
  Interleave: 4,
  Group: 5,
  OneOrMore: 6,
  List: 7,
  Data: 8,
  Value: 9,
  Attribute: 10,
  Element: 11,
  After: 12,
} as const;

/** One element declaration of the simplified schema; its content is filled in after creation. */
export interface ElementDecl {
  id: number;
  nc: NameClass;
  content: Pattern;
}

export interface Pattern {
  readonly id: number;
  readonly k: number;
  readonly nullable: boolean;
  /** Some attribute can still be matched at this level (outside child elements): lets attribute
   *  derivatives and start-tag closing skip the (large) parts of a state that have none. */
  readonly attrs: boolean;
  /** Binary operands (group, interleave, after), the single operand (oneOrMore, list, attribute content), or data's except. */
  readonly a?: Pattern;
  readonly b?: Pattern;
  /** Choice alternatives: flattened, without duplicates, sorted by id. */
  readonly alts?: readonly Pattern[];
  readonly nc?: NameClass;
  readonly el?: ElementDecl;
  readonly dt?: Datatype;
  /** Value pattern: the canonical value and the text as written in the schema. */
  readonly val?: string;
  readonly raw?: string;
  /** Where the pattern stands in the schema: its id after a compile, its place in the compiled
   *  form after a cache read (same relative order). Messages list datatypes in this order, which
   *  does not depend on the order a lazy read builds patterns in. */
  ord: number;
}

type Fields = Pick<Pattern, 'k' | 'nullable' | 'a' | 'b' | 'alts' | 'nc' | 'el' | 'dt' | 'val' | 'raw'>;

/** Every pattern has the same fields in the same order: one object shape for V8, so the
 *  derivative code's property reads stay monomorphic. */
class PatternObject implements Pattern {
  ord: number;
  // No memo fields: the memos are the Deriver's, by id (patterns are most of what a run keeps,
  // each field 8 bytes more of each to copy). Positional arguments, not an object of fields:
  // that object was one more allocation per pattern.
  constructor(
    readonly id: number,
    readonly attrs: boolean,
    readonly k: number,
    readonly nullable: boolean,
    readonly a: Pattern | undefined,
    readonly b: Pattern | undefined,
    readonly alts: readonly Pattern[] | undefined,
    readonly nc: NameClass | undefined,
    readonly el: ElementDecl | undefined,
    readonly dt: Datatype | undefined,
    readonly val: string | undefined,
    readonly raw: string | undefined,
  ) {
    this.ord = id;
  }
}

// `ord` is written long after a pattern is made (by a lazy schema read). V8 takes a field that
// has not changed since its object was made for a constant, compiles the code that reads it on
// that, and throws that code away at the first later write, to compile it again. Writing it once
// here, before any code runs hot, says at once that it changes.
{
  const p = new PatternObject(-1, false, K.NotAllowed, false, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined);
  p.ord = 0;
}

export class PatternPool {
  /** Every pattern, by its id: the tables below (and the Deriver's memos) hold ids. */
  readonly byId: Pattern[] = [];
  private readonly table = new Map<string, Pattern>();
  /** choice(a, b) by the ids of a and b (in id order), whatever the operands were. */
  private readonly choiceMemo = new PairTable();
  /** Choices of two alternatives, by their ids. */
  private readonly choice2 = new PairTable();
  /** Choices of three or more alternatives, by a hash of their ids (no string keys to build). */
  private readonly choiceN = new Map<number, Pattern[]>();
  /** Patterns of one operand (oneOrMore, list, element), by the operand's (or declaration's) id and kind. */
  private readonly unary = new PairTable();
  /** choiceOf's work list: flattened, sorted and deduplicated here before the choice is looked
   *  up, so a choice already made costs no array. */
  private readonly work: Pattern[] = [];
  private nextId = 0;
  private nextDecl = 0;
  /** True once a QName-like datatype is used: text memos must then take the context into account. */
  contextDependent = false;

  readonly notAllowed = this.make('!', { k: K.NotAllowed, nullable: false });
  readonly empty = this.make('e', { k: K.Empty, nullable: true });
  readonly text = this.make('t', { k: K.Text, nullable: true });

  /** Binary patterns (group, interleave, after), by kind, interned by their operands' ids. */
  private readonly pairs: PairTable[] = [];

  /** How many patterns were made. */
  get size(): number {
    return this.nextId;
  }

  private pair(k: number, a: Pattern, b: Pattern, nullable: boolean): Pattern {
    const byIds = (this.pairs[k] ??= new PairTable());
    const id = byIds.get(a.id, b.id);
    if (id >= 0) return this.byId[id];
    const p = this.create(k, nullable, a, b, undefined);
    byIds.set(a.id, b.id, p.id);
    return p;
  }

  /** The pattern of kind k (oneOrMore, list, element) of one operand (or declaration) `id`, if made. */
  private unaryOf(k: number, id: number): Pattern | undefined {
    const found = this.unary.get(id, k);
    return found < 0 ? undefined : this.byId[found];
  }

  private keepUnary(id: number, p: Pattern): Pattern {
    this.unary.set(id, p.k, p.id);
    return p;
  }

  private create(k: number, nullable: boolean, a: Pattern | undefined, b: Pattern | undefined, alts: readonly Pattern[] | undefined, f?: Fields): Pattern {
    let attrs = k === K.Attribute;
    if (!attrs && k !== K.Element && k !== K.Data) {
      attrs = (a !== undefined && a.attrs) || (b !== undefined && b.attrs);
      if (!attrs && alts !== undefined) for (let i = 0; i < alts.length && !attrs; i++) attrs = alts[i].attrs;
    }
    const p = new PatternObject(this.nextId++, attrs, k, nullable, a, b, alts, f?.nc, f?.el, f?.dt, f?.val, f?.raw);
    this.byId.push(p);
    return p;
  }

  private make(key: string, f: Fields): Pattern {
    let p = this.table.get(key);
    if (!p) {
      p = this.create(f.k, f.nullable, f.a, f.b, f.alts, f);
      this.table.set(key, p);
    }
    return p;
  }

  newElementDecl(nc: NameClass): ElementDecl {
    return { id: this.nextDecl++, nc, content: this.notAllowed };
  }

  element(decl: ElementDecl): Pattern {
    return this.unaryOf(K.Element, decl.id) ?? this.keepUnary(decl.id, this.create(K.Element, false, undefined, undefined, undefined, { k: K.Element, nullable: false, el: decl, nc: decl.nc }));
  }

  attribute(nc: NameClass, content: Pattern): Pattern {
    if (content === this.notAllowed) return this.notAllowed;
    return this.make(`A${nc.key}\u0000${content.id}`, { k: K.Attribute, nullable: false, nc, a: content });
  }

  choice(a: Pattern, b: Pattern): Pattern {
    if (a === b || b === this.notAllowed) return a;
    if (a === this.notAllowed) return b;
    if (a.id > b.id) {
      // Not [a, b] = [b, a]: unoptimized, that destructuring makes an array and its iterator.
      const t = a;
      a = b;
      b = t;
    }
    const id = this.choiceMemo.get(a.id, b.id);
    if (id >= 0) return this.byId[id];
    const r = this.choiceOf([a, b]);
    this.choiceMemo.set(a.id, b.id, r.id);
    return r;
  }

  choiceOf(ps: readonly Pattern[]): Pattern {
    return this.choiceOfRange(ps, 0, ps.length);
  }

  /** The choice of ps[from..to). */
  choiceOfRange(ps: readonly Pattern[], from: number, to: number): Pattern {
    // Most calls come from derivatives where nearly every alternative became notAllowed.
    let only: Pattern | undefined;
    let many = false;
    for (let i = from; i < to; i++) {
      const p = ps[i];
      if (p === this.notAllowed || p === only) continue;
      if (only === undefined) only = p;
      else {
        many = true;
        break;
      }
    }
    if (!many) return only ?? this.notAllowed;
    // Flattened into the work list, sorted by id and deduplicated there: only a new choice
    // copies it.
    const work = this.work;
    let m = 0;
    for (let i = from; i < to; i++) {
      const p = ps[i];
      if (p.k === K.Choice) {
        const alts = p.alts!;
        for (let j = 0; j < alts.length; j++) work[m++] = alts[j];
      } else if (p !== this.notAllowed) work[m++] = p;
    }
    const n = sortUnique(work, m);
    if (n === 1) return work[0];
    if (n === 2) {
      // Two-way choices are the common case: interned by the two ids.
      const a = work[0];
      const b = work[1];
      const id = this.choice2.get(a.id, b.id);
      if (id >= 0) return this.byId[id];
      const r = this.create(K.Choice, a.nullable || b.nullable, undefined, undefined, [a, b]);
      this.choice2.set(a.id, b.id, r.id);
      return r;
    }
    let h = 0;
    let nullable = false;
    for (let i = 0; i < n; i++) {
      h = (Math.imul(h, 31) + work[i].id) | 0;
      nullable ||= work[i].nullable;
    }
    let bucket = this.choiceN.get(h);
    if (!bucket) this.choiceN.set(h, (bucket = []));
    for (let i = 0; i < bucket.length; i++) if (sameAlternatives(bucket[i].alts!, work, n)) return bucket[i];
    const r = this.create(K.Choice, nullable, undefined, undefined, work.slice(0, n));
    bucket.push(r);
    return r;
  }

  group(a: Pattern, b: Pattern): Pattern {
    if (a === this.notAllowed || b === this.notAllowed) return this.notAllowed;
    if (a === this.empty) return b;
    if (b === this.empty) return a;
    return this.pair(K.Group, a, b, a.nullable && b.nullable);
  }

  interleave(a: Pattern, b: Pattern): Pattern {
    if (a === this.notAllowed || b === this.notAllowed) return this.notAllowed;
    if (a === this.empty) return b;
    if (b === this.empty) return a;
    // Interleave is commutative: a canonical order shares more states.
    if (a.id > b.id) {
      // Not [a, b] = [b, a]: unoptimized, that destructuring makes an array and its iterator.
      const t = a;
      a = b;
      b = t;
    }
    return this.pair(K.Interleave, a, b, a.nullable && b.nullable);
  }

  oneOrMore(p: Pattern): Pattern {
    if (p === this.notAllowed || p === this.empty) return p;
    if (p.k === K.OneOrMore) return p;
    return this.unaryOf(K.OneOrMore, p.id) ?? this.keepUnary(p.id, this.create(K.OneOrMore, p.nullable, p, undefined, undefined));
  }

  after(a: Pattern, b: Pattern): Pattern {
    if (a === this.notAllowed || b === this.notAllowed) return this.notAllowed;
    return this.pair(K.After, a, b, false);
  }

  list(p: Pattern): Pattern {
    if (p === this.notAllowed) return p;
    return this.unaryOf(K.List, p.id) ?? this.keepUnary(p.id, this.create(K.List, false, p, undefined, undefined));
  }

  data(dt: Datatype, except?: Pattern): Pattern {
    if (dt.contextDependent) this.contextDependent = true;
    const ex = except === this.notAllowed ? undefined : except;
    return this.make(`D${dt.key}\u0000${ex ? ex.id : ''}`, { k: K.Data, nullable: false, dt, a: ex });
  }

  value(dt: Datatype, val: string, raw: string): Pattern {
    if (dt.contextDependent) this.contextDependent = true;
    return this.make(`V${dt.key}\u0000${val}`, { k: K.Value, nullable: false, dt, val, raw });
  }
}

/** Sorts work[0..m) by id, without duplicates; their count. Few alternatives, mostly in order
 *  already: an insertion sort, in place; many: the array sort, on a copy. */
function sortUnique(work: Pattern[], m: number): number {
  if (m > 32) {
    const sorted = work.slice(0, m).sort((x, y) => x.id - y.id);
    for (let i = 0; i < m; i++) work[i] = sorted[i];
  } else {
    for (let i = 1; i < m; i++) {
      const p = work[i];
      let j = i;
      while (j > 0 && work[j - 1].id > p.id) {
        work[j] = work[j - 1];
        j--;
      }
      work[j] = p;
    }
  }
  let n = 0;
  for (let i = 0; i < m; i++) if (n === 0 || work[n - 1] !== work[i]) work[n++] = work[i];
  return n;
}

function sameAlternatives(x: readonly Pattern[], y: readonly Pattern[], n: number): boolean {
  if (x.length !== n) return false;
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
  return true;
}
