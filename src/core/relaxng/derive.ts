// James Clark's derivative algorithm ("An algorithm for RELAX NG validation"): the state of
// validation is a pattern, and each start tag, attribute, text and end tag maps it to the
// pattern that must match the rest. Results are memoized on the (interned) patterns.
// The *Recover variants are used after an error so validation of the siblings continues.
import { K, type Pattern, type PatternPool } from './patterns';
import { contains } from './nameClass';
import type { ValueContext } from './datatypes';
import { skipSpace } from '../xml/scanner';
import { ownString } from '../common/text';

const MEMO_LIMIT = 2000;

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

  /** Start tag `<name`: the content pattern of the matching element(s), After the rest. */
  startTagOpen(p: Pattern, ns: string, local: string, key?: number): Pattern {
    key ??= this.nameId(ns, local);
    const hit = p.sto?.get(key);
    if (hit) return hit;
    const r = this.sto(p, ns, local, key);
    (p.sto ??= new Map()).set(key, r);
    return r;
  }

  private sto(p: Pattern, ns: string, local: string, key: number): Pattern {
    const pool = this.pool;
    switch (p.k) {
      case K.Choice:
        return pool.choiceOf(p.alts!.map((q) => this.startTagOpen(q, ns, local, key)));
      case K.Element:
        return contains(p.nc!, ns, local) ? pool.after(p.el!.content, pool.empty) : pool.notAllowed;
      case K.Interleave: {
        const a = p.a!;
        const b = p.b!;
        return pool.choice(
          this.applyAfter(this.startTagOpen(a, ns, local, key), (x) => pool.interleave(x, b)),
          this.applyAfter(this.startTagOpen(b, ns, local, key), (x) => pool.interleave(a, x)),
        );
      }
      case K.OneOrMore: {
        const rest = pool.choice(p, pool.empty);
        return this.applyAfter(this.startTagOpen(p.a!, ns, local, key), (x) => pool.group(x, rest));
      }
      case K.Group: {
        const b = p.b!;
        const x = this.applyAfter(this.startTagOpen(p.a!, ns, local, key), (y) => pool.group(y, b));
        return p.a!.nullable ? pool.choice(x, this.startTagOpen(b, ns, local, key)) : x;
      }
      case K.After: {
        const b = p.b!;
        return this.applyAfter(this.startTagOpen(p.a!, ns, local, key), (x) => pool.after(x, b));
      }
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
      case K.Interleave: {
        const a = p.a!;
        const b = p.b!;
        return pool.choice(this.applyAfter(r(a), (x) => pool.interleave(x, b)), this.applyAfter(r(b), (x) => pool.interleave(a, x)));
      }
      case K.OneOrMore: {
        const rest = pool.choice(p, pool.empty);
        return this.applyAfter(r(p.a!), (x) => pool.group(x, rest));
      }
      case K.Group: {
        const b = p.b!;
        return pool.choice(this.applyAfter(r(p.a!), (y) => pool.group(y, b)), r(b));
      }
      case K.After: {
        const b = p.b!;
        return this.applyAfter(r(p.a!), (x) => pool.after(x, b));
      }
      default:
        return pool.notAllowed;
    }
  }

  applyAfter(p: Pattern, f: (x: Pattern) => Pattern): Pattern {
    if (p.k === K.After) return this.pool.after(p.a!, f(p.b!));
    if (p.k === K.Choice) return this.pool.choiceOf(p.alts!.map((q) => this.applyAfter(q, f)));
    return this.pool.notAllowed;
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
    const byValue = !anyValue && !pool.contextDependent && value.length < 256;
    if (byValue) {
      const seen = p.attV?.get(nameId)?.get(value);
      if (seen) return seen;
    }
    let leaves = p.attLeaves?.get(nameId);
    if (!leaves) {
      leaves = attributeLeaves(p, ns, local);
      p.attLeaves ??= new Map();
      if (p.attLeaves.size > MEMO_LIMIT) p.attLeaves.clear();
      p.attLeaves.set(nameId, leaves);
    }
    if (leaves.length === 0) return pool.notAllowed;
    const r = this.attributeByLeaves(p, leaves, value, ctx, anyValue);
    if (byValue) {
      p.attV ??= new Map();
      let m = p.attV.get(nameId);
      if (!m) p.attV.set(nameId, (m = new Map()));
      if (m.size > MEMO_LIMIT) m.clear();
      m.set(ownString(value), r); // a copy, as in text()
    }
    return r;
  }

  private attributeByLeaves(p: Pattern, leaves: readonly Pattern[], value: string, ctx: ValueContext | undefined, anyValue: boolean): Pattern {
    // The result depends only on which attribute patterns accept the value: they are the key
    // (a pattern's id when there is one, the common case).
    let key: number | string = -1;
    let accepted: Pattern[] | undefined;
    for (let i = 0; i < leaves.length; i++) {
      const leaf = leaves[i];
      if (anyValue || this.valueMatches(leaf.a!, value, ctx)) {
        if (!accepted) {
          accepted = [leaf];
          key = leaf.id;
        } else {
          accepted.push(leaf);
          key = `${key},${leaf.id}`;
        }
      }
    }
    if (!accepted) return this.pool.notAllowed;
    return this.attributeWith(p, key, accepted);
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

  /** The attribute derivative where exactly the attribute patterns in `accepted` match. */
  private attributeWith(p: Pattern, key: number | string, accepted: readonly Pattern[]): Pattern {
    if (!p.attrs) return this.pool.notAllowed;
    const hit = p.att?.get(key);
    if (hit) return hit;
    const r = this.attributeWithNew(p, key, accepted);
    p.att ??= new Map();
    if (p.att.size > MEMO_LIMIT) p.att.clear();
    p.att.set(key, r);
    return r;
  }

  private attributeWithNew(p: Pattern, key: number | string, accepted: readonly Pattern[]): Pattern {
    const pool = this.pool;
    const d = (q: Pattern) => this.attributeWith(q, key, accepted);
    let r: Pattern;
    switch (p.k) {
      case K.After:
        r = pool.after(d(p.a!), p.b!);
        break;
      case K.Choice:
        r = pool.choiceOf(p.alts!.map(d));
        break;
      case K.Group:
        r = pool.choice(pool.group(d(p.a!), p.b!), pool.group(p.a!, d(p.b!)));
        break;
      case K.Interleave:
        r = pool.choice(pool.interleave(d(p.a!), p.b!), pool.interleave(p.a!, d(p.b!)));
        break;
      case K.OneOrMore:
        r = pool.group(d(p.a!), pool.choice(p, pool.empty));
        break;
      case K.Attribute:
        r = accepted.includes(p) ? pool.empty : pool.notAllowed;
        break;
      default:
        r = pool.notAllowed;
    }
    return r;
  }

  /** Whether a string (attribute value, or an element's whole text) matches a pattern. */
  valueMatches(p: Pattern, s: string, ctx?: ValueContext): boolean {
    return (p.nullable && isWhitespace(s)) || this.text(p, s, ctx).nullable;
  }

  /** `>` of a start tag: attributes not given are no longer possible. */
  startTagClose(p: Pattern, recover = false): Pattern {
    if (!p.attrs) return p;
    const hit = recover ? p.stcR : p.stc;
    if (hit) return hit;
    const r = this.stc(p, recover);
    if (recover) p.stcR = r;
    else p.stc = r;
    return r;
  }

  // The derivatives that map a choice's alternatives with an arrow function compute apart from
  // their memo lookup: V8 allocates the variables such an arrow captures on every call of the
  // function that holds it, memo hit or not (megabytes over a vmctx rng run).
  private stc(p: Pattern, recover: boolean): Pattern {
    const pool = this.pool;
    let r: Pattern;
    switch (p.k) {
      case K.After:
        r = pool.after(this.startTagClose(p.a!, recover), p.b!);
        break;
      case K.Choice:
        r = pool.choiceOf(p.alts!.map((q) => this.startTagClose(q, recover)));
        break;
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
    const memo = !this.pool.contextDependent && s.length < 256;
    if (memo) {
      const hit = p.txt?.get(s);
      if (hit) return hit;
    }
    const r = this.txt(p, s, ctx);
    if (memo) {
      p.txt ??= new Map();
      if (p.txt.size > MEMO_LIMIT) p.txt.clear();
      p.txt.set(ownString(s), r); // a copy: the text is a view into its document's, which the memo would keep alive
    }
    return r;
  }

  private txt(p: Pattern, s: string, ctx?: ValueContext): Pattern {
    const pool = this.pool;
    switch (p.k) {
      case K.Choice:
        return pool.choiceOf(p.alts!.map((q) => this.text(q, s, ctx)));
      case K.Interleave:
        return pool.choice(pool.interleave(this.text(p.a!, s, ctx), p.b!), pool.interleave(p.a!, this.text(p.b!, s, ctx)));
      case K.Group: {
        const x = pool.group(this.text(p.a!, s, ctx), p.b!);
        return p.a!.nullable ? pool.choice(x, this.text(p.b!, s, ctx)) : x;
      }
      case K.After:
        return pool.after(this.text(p.a!, s, ctx), p.b!);
      case K.OneOrMore:
        return pool.group(this.text(p.a!, s, ctx), pool.choice(p, pool.empty));
      case K.Text:
        return p;
      case K.Value:
        return p.dt!.value(s, ctx) === p.val ? pool.empty : pool.notAllowed;
      case K.Data:
        if (p.dt!.check(s, ctx) !== undefined) return pool.notAllowed;
        return p.a && this.valueMatches(p.a, s, ctx) ? pool.notAllowed : pool.empty;
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
    return this.pool.choiceOf(p.alts!.map((q) => this.endTag(q, recover)));
  }
}

/** The attribute patterns named `{ns}local` that an attribute derivative of `p` can reach. */
function attributeLeaves(p: Pattern, ns: string, local: string): Pattern[] {
  const out: Pattern[] = [];
  const seen = new Set<Pattern>();
  const stack = [p];
  while (stack.length) {
    const q = stack.pop()!;
    if (!q.attrs || seen.has(q)) continue;
    seen.add(q);
    switch (q.k) {
      case K.After:
      case K.OneOrMore:
        stack.push(q.a!);
        break;
      case K.Group:
      case K.Interleave:
        stack.push(q.a!, q.b!);
        break;
      case K.Choice:
        for (let i = 0; i < q.alts!.length; i++) stack.push(q.alts![i]);
        break;
      case K.Attribute:
        if (contains(q.nc!, ns, local)) out.push(q);
        break;
    }
  }
  return out;
}

export { isWhitespace };
