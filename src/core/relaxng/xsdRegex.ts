// XML Schema (Part 2, appendix F) regular expressions. We parse them ourselves, then either
// translate to a JavaScript RegExp (u flag, implicitly anchored) or, when the expression has
// the shape that makes backtracking engines blow up (a quantified group holding another
// quantifier or an alternation), run a Thompson NFA whose cost is linear in the input.

export class XsdRegexError extends Error {}

type ClassItem =
  | { t: 'range'; lo: number; hi: number }
  | { t: 'cat'; name: string; neg: boolean }
  | { t: 'multi'; c: string };

interface ClassExpr {
  neg: boolean;
  items: ClassItem[];
  sub?: ClassExpr;
}

type Node =
  | { t: 'alt'; alts: Node[] }
  | { t: 'seq'; items: Node[] }
  | { t: 'rep'; body: Node; min: number; max: number }
  | { t: 'class'; cls: ClassExpr }
  | { t: 'char'; cp: number };

const MAX_REPEAT = 1000;
const CATEGORIES = new Set(
  'L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po Z Zs Zl Zp S Sm Sc Sk So C Cc Cf Co Cn'.split(' '),
);
// The Unicode blocks schemas use most; \p{IsX} for another block is reported as unsupported.
const BLOCKS: Record<string, [number, number]> = {
  BasicLatin: [0x0, 0x7f],
  'Latin-1Supplement': [0x80, 0xff],
  'LatinExtended-A': [0x100, 0x17f],
  'LatinExtended-B': [0x180, 0x24f],
  IPAExtensions: [0x250, 0x2af],
  SpacingModifierLetters: [0x2b0, 0x2ff],
  CombiningDiacriticalMarks: [0x300, 0x36f],
  Greek: [0x370, 0x3ff],
  Cyrillic: [0x400, 0x4ff],
  Armenian: [0x530, 0x58f],
  Hebrew: [0x590, 0x5ff],
  Arabic: [0x600, 0x6ff],
  Devanagari: [0x900, 0x97f],
  Thai: [0xe00, 0xe7f],
  LatinExtendedAdditional: [0x1e00, 0x1eff],
  GreekExtended: [0x1f00, 0x1fff],
  GeneralPunctuation: [0x2000, 0x206f],
  CurrencySymbols: [0x20a0, 0x20cf],
  LetterlikeSymbols: [0x2100, 0x214f],
  NumberForms: [0x2150, 0x218f],
  Arrows: [0x2190, 0x21ff],
  MathematicalOperators: [0x2200, 0x22ff],
  BoxDrawing: [0x2500, 0x257f],
  CJKSymbolsandPunctuation: [0x3000, 0x303f],
  Hiragana: [0x3040, 0x309f],
  Katakana: [0x30a0, 0x30ff],
  CJKUnifiedIdeographs: [0x4e00, 0x9fff],
  HangulSyllables: [0xac00, 0xd7a3],
  PrivateUse: [0xe000, 0xf8ff],
  AlphabeticPresentationForms: [0xfb00, 0xfb4f],
  HalfwidthandFullwidthForms: [0xff00, 0xffef],
  Specials: [0xfff0, 0xfffd],
};
// XML 1.0 (5th edition) NameStartChar and NameChar, for \i and \c.
const NAME_START: Array<[number, number]> = [
  [0x3a, 0x3a], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a], [0xc0, 0xd6], [0xd8, 0xf6], [0xf8, 0x2ff],
  [0x370, 0x37d], [0x37f, 0x1fff], [0x200c, 0x200d], [0x2070, 0x218f], [0x2c00, 0x2fef], [0x3001, 0xd7ff],
  [0xf900, 0xfdcf], [0xfdf0, 0xfffd], [0x10000, 0xeffff],
];
const NAME_CHAR: Array<[number, number]> = [
  ...NAME_START, [0x2d, 0x2e], [0x30, 0x39], [0xb7, 0xb7], [0x300, 0x36f], [0x203f, 0x2040],
];

class Parser {
  private i = 0;
  private readonly cps: number[];
  constructor(readonly src: string) {
    this.cps = Array.from(src, (c) => c.codePointAt(0)!);
  }
  private peek(): number | undefined {
    return this.cps[this.i];
  }
  private fail(msg: string): never {
    throw new XsdRegexError(`${msg} at character ${this.i + 1} of "${this.src}"`);
  }
  parse(): Node {
    const n = this.regExp(0);
    if (this.i < this.cps.length) this.fail(`unexpected "${String.fromCodePoint(this.cps[this.i])}"`);
    return n;
  }
  private regExp(depth: number): Node {
    if (depth > 100) this.fail('groups nested too deeply');
    const alts = [this.branch(depth)];
    while (this.peek() === 0x7c /* | */) {
      this.i++;
      alts.push(this.branch(depth));
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts };
  }
  private branch(depth: number): Node {
    const items: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === 0x7c || c === 0x29 /* ) */) break;
      items.push(this.piece(depth));
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  }
  private piece(depth: number): Node {
    let atom = this.atom(depth);
    for (;;) {
      const c = this.peek();
      if (c === 0x3f) atom = this.rep(atom, 0, 1);
      else if (c === 0x2a) atom = this.rep(atom, 0, Infinity);
      else if (c === 0x2b) atom = this.rep(atom, 1, Infinity);
      else if (c === 0x7b /* { */) {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(String.fromCodePoint(...this.cps.slice(this.i, this.i + 30)));
        if (!m) this.fail('malformed quantifier');
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (max < min) this.fail('quantifier maximum below its minimum');
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) this.fail(`quantifier above ${MAX_REPEAT}`);
        this.i += m[0].length - 1;
        atom = this.rep(atom, min, max);
      } else break;
      // XSD 1.0 allows one quantifier per atom.
      break;
    }
    return atom;
  }
  private rep(body: Node, min: number, max: number): Node {
    this.i++;
    return { t: 'rep', body, min, max };
  }
  private atom(depth: number): Node {
    const c = this.peek()!;
    if (c === 0x28 /* ( */) {
      this.i++;
      const inner = this.regExp(depth + 1);
      if (this.peek() !== 0x29) this.fail('missing ")"');
      this.i++;
      return inner;
    }
    if (c === 0x5b /* [ */) return { t: 'class', cls: this.classExpr(depth) };
    if (c === 0x2e /* . */) {
      this.i++;
      return { t: 'class', cls: { neg: true, items: [{ t: 'range', lo: 10, hi: 10 }, { t: 'range', lo: 13, hi: 13 }] } };
    }
    if (c === 0x5c /* \ */) {
      const e = this.escape();
      return 'cp' in e ? { t: 'char', cp: e.cp } : { t: 'class', cls: { neg: false, items: [e.item] } };
    }
    if ('?*+{}])'.includes(String.fromCodePoint(c))) this.fail(`"${String.fromCodePoint(c)}" must be escaped`);
    this.i++;
    return { t: 'char', cp: c };
  }
  /** After a backslash: a single character or a class item. */
  private escape(): { cp: number } | { item: ClassItem } {
    this.i++;
    const c = this.peek();
    if (c === undefined) this.fail('lone "\\" at the end');
    this.i++;
    const ch = String.fromCodePoint(c);
    if (ch === 'n') return { cp: 10 };
    if (ch === 'r') return { cp: 13 };
    if (ch === 't') return { cp: 9 };
    if ('\\|.?*+(){}-[]^'.includes(ch)) return { cp: c };
    if ('sSiIcCdDwW'.includes(ch)) return { item: { t: 'multi', c: ch } };
    if (ch === 'p' || ch === 'P') {
      if (this.peek() !== 0x7b) this.fail(`"\\${ch}" needs {...}`);
      const end = this.cps.indexOf(0x7d, this.i);
      if (end < 0) this.fail('missing "}"');
      const name = String.fromCodePoint(...this.cps.slice(this.i + 1, end));
      this.i = end + 1;
      const neg = ch === 'P';
      if (CATEGORIES.has(name)) return { item: { t: 'cat', name, neg } };
      if (name.startsWith('Is')) {
        const block = BLOCKS[name.slice(2)];
        if (!block) this.fail(`unsupported Unicode block "${name}"`);
        if (!neg) return { item: { t: 'range', lo: block[0], hi: block[1] } };
        return { item: { t: 'multi', c: `P:${name}` } };
      }
      this.fail(`unknown character property "${name}"`);
    }
    this.fail(`unknown escape "\\${ch}"`);
  }
  private classExpr(depth: number): ClassExpr {
    if (depth > 100) this.fail('character classes nested too deeply');
    this.i++; // [
    let neg = false;
    if (this.peek() === 0x5e /* ^ */) {
      neg = true;
      this.i++;
    }
    const items: ClassItem[] = [];
    let sub: ClassExpr | undefined;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('missing "]"');
      if (c === 0x5d /* ] */) {
        if (items.length === 0) this.fail('empty character class');
        this.i++;
        break;
      }
      if (c === 0x2d /* - */ && this.cps[this.i + 1] === 0x5b /* [ */) {
        if (items.length === 0) this.fail('nothing to subtract from');
        this.i++;
        sub = this.classExpr(depth + 1);
        if (this.peek() !== 0x5d) this.fail('a subtraction must end the class');
        this.i++;
        break;
      }
      if (c === 0x5b) this.fail('"[" must be escaped in a class');
      let lo: number;
      if (c === 0x5c) {
        const e = this.escape();
        if ('item' in e) {
          items.push(e.item);
          continue;
        }
        lo = e.cp;
      } else {
        lo = c;
        this.i++;
      }
      // A range, unless the "-" ends the class or starts a subtraction.
      if (this.peek() === 0x2d && this.cps[this.i + 1] !== 0x5d && this.cps[this.i + 1] !== 0x5b && this.cps[this.i + 1] !== undefined) {
        this.i++;
        let hi: number;
        if (this.peek() === 0x5c) {
          const e = this.escape();
          if ('item' in e) this.fail('a range cannot end in a class escape');
          hi = e.cp;
        } else {
          hi = this.peek()!;
          this.i++;
        }
        if (hi < lo) this.fail('range out of order');
        items.push({ t: 'range', lo, hi });
      } else items.push({ t: 'range', lo, hi: lo });
    }
    return { neg, items, sub };
  }
}

// ---- translation to JavaScript ----

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}
function lit(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return /[A-Za-z0-9 _,:;=<>'"%&@#~`!-]/.test(ch) && ch !== '-' ? ch : hex(cp);
}
function rangesSrc(rs: Array<[number, number]>): string {
  return rs.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');
}

/** One JS alternative per class item that needs its own brackets; `simple` goes in one bracket. */
function classSrc(cls: ClassExpr): string {
  let simple = '';
  const negated: string[] = [];
  for (const it of cls.items) {
    if (it.t === 'range') simple += it.lo === it.hi ? hex(it.lo) : `${hex(it.lo)}-${hex(it.hi)}`;
    else if (it.t === 'cat') simple += `\\${it.neg ? 'P' : 'p'}{${it.name}}`;
    else {
      switch (it.c) {
        case 's': simple += '\\u{20}\\u{9}\\u{a}\\u{d}'; break;
        case 'S': negated.push('\\u{20}\\u{9}\\u{a}\\u{d}'); break;
        case 'i': simple += rangesSrc(NAME_START); break;
        case 'I': negated.push(rangesSrc(NAME_START)); break;
        case 'c': simple += rangesSrc(NAME_CHAR); break;
        case 'C': negated.push(rangesSrc(NAME_CHAR)); break;
        case 'd': simple += '\\p{Nd}'; break;
        case 'D': simple += '\\P{Nd}'; break;
        case 'w': negated.push('\\p{P}\\p{Z}\\p{C}'); break;
        case 'W': simple += '\\p{P}\\p{Z}\\p{C}'; break;
        default: {
          const b = BLOCKS[it.c.slice(4)];
          negated.push(rangesSrc([b]));
        }
      }
    }
  }
  let src: string;
  if (negated.length === 0) src = `[${cls.neg ? '^' : ''}${simple}]`;
  else {
    const alts = [...(simple ? [`[${simple}]`] : []), ...negated.map((n) => `[^${n}]`)];
    const union = alts.length === 1 ? alts[0] : `(?:${alts.join('|')})`;
    src = cls.neg ? `(?:(?!${union})[^])` : union;
  }
  return cls.sub ? `(?:(?!${classSrc(cls.sub)})${src})` : src;
}

function toSrc(n: Node): string {
  switch (n.t) {
    case 'char': return lit(n.cp);
    case 'class': return classSrc(n.cls);
    case 'seq': return n.items.map((x) => (x.t === 'alt' ? `(?:${toSrc(x)})` : toSrc(x))).join('');
    case 'alt': return n.alts.map(toSrc).join('|');
    case 'rep': {
      const body = n.body.t === 'char' || n.body.t === 'class' ? toSrc(n.body) : `(?:${toSrc(n.body)})`;
      const q = n.min === 0 && n.max === 1 ? '?' : n.min === 0 && n.max === Infinity ? '*' : n.min === 1 && n.max === Infinity ? '+'
        : n.max === Infinity ? `{${n.min},}` : n.min === n.max ? `{${n.min}}` : `{${n.min},${n.max}}`;
      return body + q;
    }
  }
}

/** The JavaScript source equivalent to an XSD regex, anchored at both ends. */
export function xsdRegexToJs(xsd: string): string {
  return `^(?:${toSrc(new Parser(xsd).parse())})$`;
}

// ---- backtracking risk and the linear-time matcher ----

function hasBranching(n: Node): boolean {
  switch (n.t) {
    case 'alt': return true;
    case 'rep': return n.max > 1 || hasBranching(n.body);
    case 'seq': return n.items.some(hasBranching);
    default: return false;
  }
}
function risky(n: Node): boolean {
  switch (n.t) {
    case 'alt': return n.alts.some(risky);
    case 'seq': return n.items.some(risky) || n.items.filter((x) => x.t === 'rep' && x.max === Infinity).length > 3;
    case 'rep': return (n.max === Infinity && hasBranching(n.body)) || (n.max > 1 && hasUnbounded(n.body)) || risky(n.body);
    default: return false;
  }
}
function countUnbounded(n: Node): number {
  switch (n.t) {
    case 'alt': return n.alts.reduce((k, x) => k + countUnbounded(x), 0);
    case 'seq': return n.items.reduce((k, x) => k + countUnbounded(x), 0);
    case 'rep': return (n.max === Infinity ? 1 : 0) + countUnbounded(n.body);
    default: return 0;
  }
}
function hasUnbounded(n: Node): boolean {
  switch (n.t) {
    case 'alt': return n.alts.some(hasUnbounded);
    case 'seq': return n.items.some(hasUnbounded);
    case 'rep': return n.max === Infinity || hasUnbounded(n.body);
    default: return false;
  }
}

type State = { pred?: (cp: number) => boolean; next: number[] };

/** Thompson construction: states[0] is the start, the last state accepts. */
class Nfa {
  readonly states: State[] = [];
  private readonly classCache = new Map<ClassExpr, (cp: number) => boolean>();
  constructor(root: Node) {
    const start = this.add();
    const end = this.build(root, start);
    const accept = this.add();
    this.states[end].next.push(accept);
    if (this.states.length > 20000) throw new XsdRegexError('regular expression too large');
  }
  private add(pred?: (cp: number) => boolean): number {
    this.states.push({ pred, next: [] });
    return this.states.length - 1;
  }
  /** Builds n from state `from` (an epsilon state) and returns its epsilon exit state. */
  private build(n: Node, from: number): number {
    if (this.states.length > 20000) throw new XsdRegexError('regular expression too large');
    switch (n.t) {
      case 'char':
      case 'class': {
        const s = this.add(n.t === 'char' ? ((cp) => cp === n.cp) : this.predicate(n.cls));
        this.states[from].next.push(s);
        const out = this.add();
        this.states[s].next.push(out);
        return out;
      }
      case 'seq': {
        let cur = from;
        for (const it of n.items) cur = this.build(it, cur);
        return cur;
      }
      case 'alt': {
        const out = this.add();
        for (const a of n.alts) {
          const s = this.add();
          this.states[from].next.push(s);
          this.states[this.build(a, s)].next.push(out);
        }
        return out;
      }
      case 'rep': {
        let cur = from;
        for (let k = 0; k < n.min; k++) cur = this.build(n.body, cur);
        if (n.max === Infinity) {
          const loop = this.add();
          this.states[cur].next.push(loop);
          const back = this.build(n.body, loop);
          this.states[back].next.push(loop);
          return loop;
        }
        const out = this.add();
        this.states[cur].next.push(out);
        for (let k = n.min; k < n.max; k++) {
          cur = this.build(n.body, cur);
          this.states[cur].next.push(out);
        }
        return out;
      }
    }
  }
  private predicate(cls: ClassExpr): (cp: number) => boolean {
    let p = this.classCache.get(cls);
    if (!p) {
      const re = new RegExp(`^${classSrc(cls)}$`, 'u');
      const memo = new Map<number, boolean>();
      p = (cp) => {
        let r = memo.get(cp);
        if (r === undefined) {
          r = re.test(String.fromCodePoint(cp));
          if (memo.size < 4096) memo.set(cp, r);
        }
        return r;
      };
      this.classCache.set(cls, p);
    }
    return p;
  }
  test(s: string): boolean {
    const accept = this.states.length - 1;
    let cur = this.closure([0]);
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      const step: number[] = [];
      for (const i of cur) {
        const st = this.states[i];
        if (st.pred && st.pred(cp)) step.push(...st.next);
      }
      if (step.length === 0) return false;
      cur = this.closure(step);
    }
    return cur.includes(accept);
  }
  private closure(seed: number[]): number[] {
    const seen = new Set<number>();
    const stack = [...seed];
    const out: number[] = [];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen.has(i)) continue;
      seen.add(i);
      const st = this.states[i];
      if (st.pred || st.next.length === 0) out.push(i);
      if (!st.pred) stack.push(...st.next);
    }
    return out;
  }
}

export interface XsdRegex {
  /** The anchored JavaScript source, for display and for tests. */
  readonly source: string;
  /** Whether the linear-time matcher is used instead of RegExp (backtracking risk). */
  readonly linear: boolean;
  /** Which matcher: 0 RegExp, 1 RegExp up to 256 characters and the linear one beyond, 2 the linear one. */
  readonly matcher: XsdMatcher;
  test(s: string): boolean;
}

export type XsdMatcher = 0 | 1 | 2;

/** What compileXsdRegex made of an expression, kept in the compiled-schema cache: a read then
 *  neither parses nor translates it again (a tenth of a millisecond each, some 75 expressions in a
 *  `vmctx rng` run over libvirt's test domains). */
export type XsdTranslation = readonly [source: string, matcher: XsdMatcher];

/**
 * The matcher of `xsd` from the translation compileXsdRegex made of it; the linear matcher,
 * which needs the parsed expression, is made when first needed. Undefined when the source is
 * not a valid expression (a damaged cache entry): compile `xsd` then.
 */
export function xsdRegexOf(xsd: string, [source, matcher]: XsdTranslation): XsdRegex | undefined {
  let re: RegExp;
  try {
    re = new RegExp(source, 'u');
  } catch {
    return undefined;
  }
  return withMatcher(source, re, matcher, () => new Parser(xsd).parse());
}

/** The XsdRegex of a translation and its matcher; the linear matcher is made on first use. */
function withMatcher(source: string, re: RegExp, matcher: XsdMatcher, parsed: () => Node): XsdRegex {
  let nfa: Nfa | undefined;
  const linearTest = (s: string) => (nfa ??= new Nfa(parsed())).test(s);
  if (matcher === 2) return { source, linear: true, matcher, test: linearTest };
  // Several unbounded quantifiers in a row backtrack polynomially: fine for short values, not
  // for long texts, which go to the linear matcher.
  if (matcher === 1) return { source, linear: false, matcher, test: (s) => (s.length > 256 ? linearTest(s) : re.test(s)) };
  return { source, linear: false, matcher, test: (s) => re.test(s) };
}

/** Compiles an XSD regex; throws XsdRegexError with a readable message when it is malformed. */
export function compileXsdRegex(xsd: string): XsdRegex {
  const ast = new Parser(xsd).parse();
  const source = `^(?:${toSrc(ast)})$`;
  let re: RegExp;
  try {
    re = new RegExp(source, 'u');
  } catch (e) {
    throw new XsdRegexError(`cannot translate "${xsd}": ${(e as Error).message}`);
  }
  return withMatcher(source, re, risky(ast) ? 2 : countUnbounded(ast) > 1 ? 1 : 0, () => ast);
}
