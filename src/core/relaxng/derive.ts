// James Clark's derivative algorithm ("An algorithm for RELAX NG validation"): the state of
// validation is a pattern, and each start tag, attribute, text and end tag maps it to the
// pattern that must match the rest. Results are memoized by the (interned) patterns' ids, in
// tables of numbers (pairTable.ts), not in Maps on the patterns: a run fills tens of thousands
// of entries, which as objects were much of what the garbage collector copied.
// The *Recover variants are used after an error so validation of the siblings continues.
import { K, type Pattern, type PatternPool } from './patterns';
// Not ABSENT: `>= 0` (found) in the lookups. Where modules are transpiled to CommonJS (tsx: the
// tests and benches), each use of an imported name is a getter call.
import { PairTable } from './pairTable';
import { contains } from './nameClass';
import type { ValueContext } from './datatypes';
import { skipSpace } from '../xml/scanner';
import { ownString } from '../common/text';

/** Entries beyond which a memo table starts afresh (memory stays bounded in a long session). */
const MEMO_LIMIT = 1 << 20;
/** Texts and attribute values numbered for the memos, beyond which they are numbered afresh. */
const VALUES_LIMIT = 100_000;
/** How a start-tag derivative's After(x, y) is continued (applyAfter): the kind of pattern made of y and the other operand. */
type Continue = typeof K.Interleave | typeof K.Group | typeof K.After;

/** Only XML's whitespace (space, tab, LF, CR), or nothing: the parser's scan, called on every
 *  element's text (mostly short words, where a regular expression's call cost more than the test). */
function isWhitespace(s: string): boolean {
  return skipSpace(s, 0, s.length) === s.length;
}

export class Deriver {
  constructor(readonly pool: PatternPool) {}

  /** Names seen in start tags, numbered: memo keys are small integers. */
  private readonly nameIds = new Map<string, Map<string, number>>();
  private readonly noNamespace = new Map<string, number>();
  private nameCount = 0;
  /** Texts and attribute values (short ones, see valueId), numbered for the memos. Numbers are
   *  never given twice, so an entry left from before a renumbering is only never found again. */
  private valueIds = new Map<string, number>();
  private nextValue = 0;
  /** Sets of attribute patterns accepting a value (two or more; one is its pattern's id), numbered −2, −3, ... */
  private readonly leafSets = new Map<string, number>();

  // The memos, by pattern id and: the name's number (start tag), the accepting attribute
  // patterns (attribute), the value's number (text; attribute value, one table per name).
  // Results are pattern ids; attLeaves' are indexes in leafLists.
  private sto = new PairTable();
  private att = new PairTable();
  /** By name number; grown with undefined, never with holes (an array that gets holes changes its
   *  kind, and the optimized code reading it is thrown away). */
  private attV: Array<PairTable | undefined> = [];
  private txt = new PairTable();
  private attLeaves = new PairTable();
  /** The derivatives of a choice's alternatives, each call's above the caller's (from its `base`
   *  to `top`): no array per call. Holey, as the arrays map() makes, which the other callers of
   *  choiceOf pass: an element kind choiceOf's compiled code has not met would discard it. */
  private readonly ops: Pattern[] = new Array<Pattern>(0);
  private top = 0;
  /** startTagClose's results by pattern id (result id + 1; 0: not derived yet), and its recovery's. */
  private stcN = new Int32Array(256);
  private stcR = new Int32Array(256);
  private leafLists: Array<readonly Pattern[]> = [];
  /** attributeLeaves' walk: its stack, and the patterns it has seen (marks[id] === visit). */
  private readonly stack: Pattern[] = [];
  private marks = new Int32Array(256);
  private visit = 0;

  /** The choice of ops[base..top), which are then dropped. */
  private choiceOfOps(base: number): Pattern {
    const r = this.pool.choiceOfRange(this.ops, base, this.top);
    this.top = base;
    return r;
  }

  /** Start tag `<name`: the content pattern of the matching element(s), After the rest. */
  startTagOpen(p: Pattern, ns: string, local: string, key = this.nameId(ns, local)): Pattern {
    const hit = this.sto.get(p.id, key);
    if (hit >= 0) return this.pool.byId[hit];
    const r = this.startTagOpenNew(p, ns, local, key);
    if (this.sto.size > MEMO_LIMIT) this.sto = new PairTable();
    this.sto.set(p.id, key, r.id);
    return r;
  }

  // No arrow functions in the derivatives computed on a miss: V8 allocates the variables an
  // arrow captures on every call of the function that holds it (a context object, the arrow, the
  // mapped array), which were much of what a run's memo misses allocated.
  private startTagOpenNew(p: Pattern, ns: string, local: string, key: number): Pattern {
    const pool = this.pool;
    switch (p.k) {
      case K.Choice: {
        const alts = p.alts!;
        const base = this.top;
        for (let i = 0; i < alts.length; i++) {
          const d = this.startTagOpen(alts[i], ns, local, key);
          this.ops[this.top++] = d;
        }
        return this.choiceOfOps(base);
      }
      case K.Element:
        return contains(p.nc!, ns, local) ? pool.after(p.el!.content, pool.empty) : pool.notAllowed;
      case K.Interleave: {
        const a = p.a!;
        const b = p.b!;
        // Interleave is commutative: interleave(a, x) is interleave(x, a).
        return pool.choice(this.applyAfter(this.startTagOpen(a, ns, local, key), K.Interleave, b), this.applyAfter(this.startTagOpen(b, ns, local, key), K.Interleave, a));
      }
      case K.OneOrMore:
        return this.applyAfter(this.startTagOpen(p.a!, ns, local, key), K.Group, pool.choice(p, pool.empty));
      case K.Group: {
        const b = p.b!;
        const x = this.applyAfter(this.startTagOpen(p.a!, ns, local, key), K.Group, b);
        return p.a!.nullable ? pool.choice(x, this.startTagOpen(b, ns, local, key)) : x;
      }
      case K.After:
        return this.applyAfter(this.startTagOpen(p.a!, ns, local, key), K.After, p.b!);
      default:
        return pool.notAllowed;
    }
  }

  /** Recovery after an unexpected element: also look past required content that is missing
   *  (as Jing does), so the element is checked where it most likely belongs. Not memoized. */
  startTagOpenRecover(p: Pattern, ns: string, local: string, depth = 0, memo = new Map<number, Pattern>()): Pattern {
    const pool = this.pool;
    if (depth > 200) return pool.notAllowed;
    const hit = memo.get(p.id);
    if (hit) return hit;
    const r = this.stoRecover(p, ns, local, depth, memo);
    memo.set(p.id, r);
    return r;
  }

  private stoRecover(p: Pattern, ns: string, local: string, depth: number, memo: Map<number, Pattern>): Pattern {
    const pool = this.pool;
    const r = (q: Pattern) => this.startTagOpenRecover(q, ns, local, depth + 1, memo);
    switch (p.k) {
      case K.Choice:
        return pool.choiceOf(p.alts!.map(r));
      case K.Element:
        return contains(p.nc!, ns, local) ? pool.after(p.el!.content, pool.empty) : pool.notAllowed;
      case K.Interleave:
        return pool.choice(this.applyAfter(r(p.a!), K.Interleave, p.b!), this.applyAfter(r(p.b!), K.Interleave, p.a!));
      case K.OneOrMore:
        return this.applyAfter(r(p.a!), K.Group, pool.choice(p, pool.empty));
      case K.Group:
        return pool.choice(this.applyAfter(r(p.a!), K.Group, p.b!), r(p.b!));
      case K.After:
        return this.applyAfter(r(p.a!), K.After, p.b!);
      default:
        return pool.notAllowed;
    }
  }

  /** Each After(x, y) of a start-tag derivative as After(x, `how`(y, other)). */
  private applyAfter(p: Pattern, how: Continue, other: Pattern): Pattern {
    const pool = this.pool;
    if (p.k === K.After) {
      const y = p.b!;
      return pool.after(p.a!, how === K.Group ? pool.group(y, other) : how === K.Interleave ? pool.interleave(y, other) : pool.after(y, other));
    }
    if (p.k === K.Choice) {
      const alts = p.alts!;
      const base = this.top;
      for (let i = 0; i < alts.length; i++) {
        const d = this.applyAfter(alts[i], how, other);
        this.ops[this.top++] = d;
      }
      return this.choiceOfOps(base);
    }
    return pool.notAllowed;
  }

  /** An attribute; `anyValue` accepts any value (recovery after a bad value).
   *  The result depends on the value only through which attribute patterns of that name accept
   *  it, so it is memoized on (name, those patterns): values seen once (UUIDs, paths, names)
   *  still hit the memo, and the value is checked once per attribute pattern, not per state. */
  attribute(p: Pattern, ns: string, local: string, value: string, ctx?: ValueContext, anyValue = false): Pattern {
    const pool = this.pool;
    if (!p.attrs) return pool.notAllowed;
    const nameId = this.nameId(ns, local);
    // Values seen before on this state and name: one lookup (repeated devices, editing), before
    // any other. Not where a value's meaning depends on the namespaces in scope (QName datatypes).
    const valueId = anyValue ? -1 : this.valueId(value);
    let byValue: PairTable | undefined;
    if (valueId >= 0) {
      const attV = this.attV;
      while (attV.length <= nameId) attV.push(undefined);
      byValue = attV[nameId] ??= new PairTable(64);
      const seen = byValue.get(p.id, valueId);
      if (seen >= 0) return pool.byId[seen];
    }
    let at = this.attLeaves.get(p.id, nameId);
    if (at < 0) {
      if (this.attLeaves.size > MEMO_LIMIT) {
        this.attLeaves = new PairTable();
        this.leafLists = [];
      }
      at = this.leafLists.length;
      this.leafLists.push(this.attributeLeaves(p, ns, local));
      this.attLeaves.set(p.id, nameId, at);
    }
    const leaves = this.leafLists[at];
    // By identity: the empty list is another kind of array than the others (its length read
    // would see two maps, and optimized code for one is thrown away at the other).
    if (leaves === NO_LEAVES) return pool.notAllowed;
    const r = this.attributeByLeaves(p, leaves, value, valueId, ctx, anyValue);
    if (byValue !== undefined && this.attV[nameId] === byValue) {
      if (byValue.size > MEMO_LIMIT) byValue.clear();
      byValue.set(p.id, valueId, r.id);
    }
    return r;
  }

  private attributeByLeaves(p: Pattern, leaves: readonly Pattern[], value: string, valueId: number, ctx: ValueContext | undefined, anyValue: boolean): Pattern {
    // The result depends only on which attribute patterns accept the value: they are the key
    // (a pattern's id when there is one, the common case; else the number of the set).
    let key = -1;
    let accepted: Pattern[] | undefined;
    let set: string | undefined;
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i];
      if (anyValue || this.valueMatches(leaf.a!, value, ctx, valueId)) {
        if (!accepted) {
          accepted = [leaf];
          key = leaf.id;
        } else {
          accepted.push(leaf);
          set = `${set ?? key},${leaf.id}`;
        }
      }
    }
    if (!accepted) return this.pool.notAllowed;
    if (set !== undefined) {
      const n = this.leafSets.get(set);
      if (n === undefined) this.leafSets.set(set, (key = -2 - this.leafSets.size));
      else key = n;
    }
    return this.attributeWith(p, key, accepted);
  }

  /** The attribute patterns named `{ns}local` that an attribute derivative of `p` can reach.
   *  Seen patterns are marked in an array by id, not kept in a Set (one per call). */
  private attributeLeaves(p: Pattern, ns: string, local: string): readonly Pattern[] {
    if (this.marks.length < this.pool.size) {
      const grown = new Int32Array(Math.max(this.pool.size, this.marks.length * 2));
      grown.set(this.marks);
      this.marks = grown;
    }
    const marks = this.marks;
    const visit = ++this.visit;
    const stack = this.stack;
    let top = 0;
    stack[top++] = p;
    let out: Pattern[] | undefined;
    while (top > 0) {
      const q = stack[--top];
      if (!q.attrs || marks[q.id] === visit) continue;
      marks[q.id] = visit;
      switch (q.k) {
        case K.After:
        case K.OneOrMore:
          stack[top++] = q.a!;
          break;
        case K.Group:
        case K.Interleave:
          stack[top++] = q.a!;
          stack[top++] = q.b!;
          break;
        case K.Choice: {
          const alts = q.alts!;
          for (let i = 0; i < alts.length; i++) stack[top++] = alts[i];
          break;
        }
        case K.Attribute:
          if (contains(q.nc!, ns, local)) (out ??= []).push(q);
          break;
      }
    }
    return out ?? NO_LEAVES;
  }

  /** The number of a text or attribute value for the memos; -1 when it is not memoized (long
   *  values, and any where QName-like datatypes make a value's meaning depend on its context). */
  private valueId(s: string): number {
    if (s.length >= 256 || this.pool.contextDependent) return -1;
    // The hit alone here: small enough for V8 to inline where it is called (the editor's walk).
    const id = this.valueIds.get(s);
    return id !== undefined ? id : this.newValueId(s);
  }

  private newValueId(s: string): number {
    if (this.valueIds.size >= VALUES_LIMIT) {
      // Numbered afresh, and the memos by value with them.
      this.valueIds = new Map();
      this.txt = new PairTable();
      this.attV = [];
    }
    const id = this.nextValue++;
    // A copy: a longer text may be a view into its document's, which the table would keep
    // alive. V8 makes views (and concatenations) only of 13 characters or more.
    this.valueIds.set(s.length < 13 ? s : ownString(s), id);
    return id;
  }


  /** The number of a `{ns}local` name (memo keys are small integers). */
  private nameId(ns: string, local: string): number {
    // Most names have no namespace: their map is at hand.
    let byLocal = ns === '' ? this.noNamespace : this.nameIds.get(ns);
    if (!byLocal) this.nameIds.set(ns, (byLocal = new Map()));
    let id = byLocal.get(local);
    if (id === undefined) byLocal.set(local, (id = this.nameCount++));
    return id;
  }

  /** The attribute derivative where exactly the attribute patterns in `accepted` match (`key` says which). */
  private attributeWith(p: Pattern, key: number, accepted: readonly Pattern[]): Pattern {
    if (!p.attrs) return this.pool.notAllowed;
    const hit = this.att.get(p.id, key);
    if (hit >= 0) return this.pool.byId[hit];
    const r = this.attributeWithNew(p, key, accepted);
    if (this.att.size > MEMO_LIMIT) this.att = new PairTable();
    this.att.set(p.id, key, r.id);
    return r;
  }

  private attributeWithNew(p: Pattern, key: number, accepted: readonly Pattern[]): Pattern {
    const pool = this.pool;
    switch (p.k) {
      case K.After:
        return pool.after(this.attributeWith(p.a!, key, accepted), p.b!);
      case K.Choice: {
        const alts = p.alts!;
        const base = this.top;
        for (let i = 0; i < alts.length; i++) {
          const d = this.attributeWith(alts[i], key, accepted);
          this.ops[this.top++] = d;
        }
        return this.choiceOfOps(base);
      }
      case K.Group:
        return pool.choice(pool.group(this.attributeWith(p.a!, key, accepted), p.b!), pool.group(p.a!, this.attributeWith(p.b!, key, accepted)));
      case K.Interleave:
        return pool.choice(pool.interleave(this.attributeWith(p.a!, key, accepted), p.b!), pool.interleave(p.a!, this.attributeWith(p.b!, key, accepted)));
      case K.OneOrMore:
        return pool.group(this.attributeWith(p.a!, key, accepted), pool.choice(p, pool.empty));
      case K.Attribute:
        return accepted.includes(p) ? pool.empty : pool.notAllowed;
      default:
        return pool.notAllowed;
    }
  }

  /** Whether a string (attribute value, or an element's whole text) matches a pattern. */
  valueMatches(p: Pattern, s: string, ctx?: ValueContext, valueId = this.valueId(s)): boolean {
    return (p.nullable && isWhitespace(s)) || this.textOf(p, s, valueId, ctx).nullable;
  }

  /** `>` of a start tag: attributes not given are no longer possible. */
  startTagClose(p: Pattern, recover = false): Pattern {
    if (!p.attrs) return p;
    const id = p.id;
    const memo = recover ? this.stcR : this.stcN;
    if (id < memo.length) {
      const hit = memo[id];
      if (hit !== 0) return this.pool.byId[hit - 1];
    }
    const r = this.stc(p, recover);
    if (id >= 0) {
      const kept = id < memo.length ? memo : this.grown(memo, id, recover);
      kept[id] = r.id + 1;
    }
    return r;
  }

  /** startTagClose's memo, grown to hold `id`. */
  private grown(memo: Int32Array, id: number, recover: boolean): Int32Array {
    const g = new Int32Array(Math.max(id + 1, this.pool.size, memo.length * 2));
    g.set(memo);
    if (recover) this.stcR = g;
    else this.stcN = g;
    return g;
  }

  /** A start-tag derivative as one content and one rest (validate.ts), null when it does not separate; by pattern id. */
  readonly detached = new Map<number, readonly [Pattern, Pattern] | null>();

  private stc(p: Pattern, recover: boolean): Pattern {
    const pool = this.pool;
    let r: Pattern;
    switch (p.k) {
      case K.After:
        r = pool.after(this.startTagClose(p.a!, recover), p.b!);
        break;
      case K.Choice: {
        const alts = p.alts!;
        const base = this.top;
        for (let i = 0; i < alts.length; i++) {
          const d = this.startTagClose(alts[i], recover);
          this.ops[this.top++] = d;
        }
        r = this.choiceOfOps(base);
        break;
      }
      case K.Group:
        r = pool.group(this.startTagClose(p.a!, recover), this.startTagClose(p.b!, recover));
        break;
      case K.Interleave:
        r = pool.interleave(this.startTagClose(p.a!, recover), this.startTagClose(p.b!, recover));
        break;
      case K.OneOrMore:
        r = pool.oneOrMore(this.startTagClose(p.a!, recover));
        break;
      case K.Attribute:
        // Recovery: pretend the missing attribute was there.
        r = recover ? pool.empty : pool.notAllowed;
        break;
      default:
        r = p;
    }
    return r;
  }

  /** A piece of text. */
  text(p: Pattern, s: string, ctx?: ValueContext): Pattern {
    return this.textOf(p, s, this.valueId(s), ctx);
  }

  /** A piece of text, numbered by valueId (-1: not memoized). */
  private textOf(p: Pattern, s: string, valueId: number, ctx: ValueContext | undefined): Pattern {
    if (valueId < 0) return this.textNew(p, s, valueId, ctx);
    const hit = this.txt.get(p.id, valueId);
    if (hit >= 0) return this.pool.byId[hit];
    const r = this.textNew(p, s, valueId, ctx);
    if (this.txt.size > MEMO_LIMIT) this.txt = new PairTable();
    this.txt.set(p.id, valueId, r.id);
    return r;
  }

  private textNew(p: Pattern, s: string, id: number, ctx: ValueContext | undefined): Pattern {
    const pool = this.pool;
    switch (p.k) {
      case K.Choice: {
        const alts = p.alts!;
        const base = this.top;
        for (let i = 0; i < alts.length; i++) {
          const d = this.textOf(alts[i], s, id, ctx);
          this.ops[this.top++] = d;
        }
        return this.choiceOfOps(base);
      }
      case K.Interleave:
        return pool.choice(pool.interleave(this.textOf(p.a!, s, id, ctx), p.b!), pool.interleave(p.a!, this.textOf(p.b!, s, id, ctx)));
      case K.Group: {
        const x = pool.group(this.textOf(p.a!, s, id, ctx), p.b!);
        return p.a!.nullable ? pool.choice(x, this.textOf(p.b!, s, id, ctx)) : x;
      }
      case K.After:
        return pool.after(this.textOf(p.a!, s, id, ctx), p.b!);
      case K.OneOrMore:
        return pool.group(this.textOf(p.a!, s, id, ctx), pool.choice(p, pool.empty));
      case K.Text:
        return p;
      case K.Value:
        return p.dt!.value(s, ctx) === p.val ? pool.empty : pool.notAllowed;
      case K.Data:
        if (p.dt!.check(s, ctx) !== undefined) return pool.notAllowed;
        return p.a && this.valueMatches(p.a, s, ctx, id) ? pool.notAllowed : pool.empty;
      case K.List: {
        let q = p.a!;
        for (const tok of s.split(/[ \t\n\r]+/)) {
          if (tok === '') continue;
          q = this.text(q, tok, ctx);
          if (q === pool.notAllowed) break;
        }
        return q.nullable ? pool.empty : pool.notAllowed;
      }
      default:
        return pool.notAllowed;
    }
  }

  /** Text in an element that has no child elements: whitespace alone may also be ignored. */
  elementText(p: Pattern, s: string, ctx?: ValueContext): Pattern {
    const d = this.text(p, s, ctx);
    return isWhitespace(s) ? this.pool.choice(p, d) : d;
  }

  /** End tag: the content must be complete; `recover` closes it anyway. */
  endTag(p: Pattern, recover = false): Pattern {
    const pool = this.pool;
    if (p.k === K.After) return recover || p.a!.nullable ? p.b! : pool.notAllowed;
    if (p.k === K.Choice) return this.endTagOfChoice(p, recover);
    return pool.notAllowed;
  }

  private endTagOfChoice(p: Pattern, recover: boolean): Pattern {
    const alts = p.alts!;
    const base = this.top;
    for (let i = 0; i < alts.length; i++) {
      const d = this.endTag(alts[i], recover);
      this.ops[this.top++] = d;
    }
    return this.choiceOfOps(base);
  }
}

const NO_LEAVES: readonly Pattern[] = [];

export { isWhitespace };
