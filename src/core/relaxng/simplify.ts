// The semantic part of the spec's simplification (section 4.17-4.20) and its restrictions
// (section 7.1): combine defines, resolve ref/parentRef per grammar, turn every element into an
// ElementDecl and inline the other definitions, and build interned patterns.
import { createDatatype, DatatypeError } from './datatypes';
import type { Component, Grammar, Loc, RPattern } from './ast';
import type { SchemaReader } from './reader';
import { PatternPool, type ElementDecl, type Pattern } from './patterns';
import { checkOperands, levelOf, type Level } from './restrictions';
import { isFinite } from './nameClass';

interface Define {
  name: string;
  parts: Component[];
  state: 'new' | 'building' | 'done';
  pattern?: Pattern;
  /** The reference that started building it (where a bad recursion is reported, as Jing does). */
  from?: Loc;
}

interface Where {
  inAttribute?: boolean;
  inList?: boolean;
  inExcept?: boolean;
  inStart?: boolean;
  inOneOrMore?: boolean;
}

const MAX_INLINE_DEPTH = 3000;
const START_FORBIDDEN = new Set(['data', 'value', 'text', 'list', 'group', 'interleave', 'oneOrMore', 'empty']);

export class Simplifier {
  private readonly grammars = new Map<Grammar, { defines: Map<string, Define>; start?: Define }>();
  private readonly pending: Array<{ decl: ElementDecl; body: RPattern }> = [];
  readonly decls: ElementDecl[] = [];
  private depth = 0;
  private readonly levels = new Map<number, Level>();

  constructor(readonly pool: PatternPool, private readonly reader: SchemaReader) {}

  /** Builds the pattern of the whole schema; problems go to the reader's list. */
  build(top: RPattern): Pattern {
    const start = this.conv(top, { inStart: true });
    // Element contents are built after the fact: no recursion through elements.
    while (this.pending.length) {
      const { decl, body } = this.pending.pop()!;
      decl.content = this.conv(body, {});
    }
    this.checkRefs();
    return start;
  }

  private problem(loc: Loc, message: string): void {
    this.reader.problem(loc, message);
  }

  private grammarInfo(g: Grammar) {
    let info = this.grammars.get(g);
    if (info) return info;
    info = { defines: new Map<string, Define>(), start: undefined as Define | undefined };
    for (const c of g.components) {
      if (c.kind === 'start') {
        info.start ??= { name: 'start', parts: [], state: 'new' };
        info.start.parts.push(c);
      } else {
        let d = info.defines.get(c.name);
        if (!d) info.defines.set(c.name, (d = { name: c.name, parts: [], state: 'new' }));
        d.parts.push(c);
      }
    }
    for (const d of [...info.defines.values(), ...(info.start ? [info.start] : [])]) this.checkCombine(d);
    this.grammars.set(g, info);
    return info;
  }

  private checkCombine(d: Define): void {
    const what = d.name === 'start' && d.parts[0].kind === 'start' ? '<start>' : `definition "${d.name}"`;
    const plain = d.parts.filter((p) => !p.combine);
    if (plain.length > 1) this.problem(plain[1].loc, `${what} is defined more than once without a combine attribute`);
    const kinds = new Set(d.parts.map((p) => p.combine).filter(Boolean));
    if (kinds.size > 1) this.problem(d.parts[d.parts.length - 1].loc, `${what} is combined both with "choice" and with "interleave"`);
  }

  private checkRefs(): void {
    for (const r of this.reader.refs) {
      const g = r.t === 'parentRef' ? r.grammar.parent : r.grammar;
      if (g && !this.grammarInfo(g).defines.has(r.name)) {
        this.problem(r.loc, `reference to undefined pattern "${r.name}"${r.t === 'parentRef' ? ' in the parent grammar' : ''}`);
      }
    }
  }

  private defineOf(d: Define, where: Where, from?: Loc): Pattern {
    if (d.state === 'done') return d.pattern!;
    if (d.state === 'building') {
      this.problem(d.from ?? d.parts[0].loc, `bad recursive reference to pattern "${d.name}": it refers to itself without an element in between`);
      return this.pool.notAllowed;
    }
    d.state = 'building';
    d.from = from;
    const combine = d.parts.find((p) => p.combine)?.combine ?? 'choice';
    const ps = d.parts.map((p) => this.conv(p.body, where));
    if (combine === 'interleave') for (const m of checkOperands('interleave', ps, this.levels)) this.problem(d.parts[0].loc, m);
    let r: Pattern;
    if (combine === 'choice') r = this.pool.choiceOf(ps);
    else r = this.balanced(ps, (a, b) => this.pool.interleave(a, b));
    d.pattern = r;
    d.state = 'done';
    return r;
  }

  /** Builds a balanced tree: group and interleave are associative, and depth stays logarithmic. */
  private balanced(ps: Pattern[], f: (a: Pattern, b: Pattern) => Pattern): Pattern {
    if (ps.length === 1) return ps[0];
    const mid = ps.length >> 1;
    return f(this.balanced(ps.slice(0, mid), f), this.balanced(ps.slice(mid), f));
  }

  private conv(p: RPattern, where: Where): Pattern {
    if (++this.depth > MAX_INLINE_DEPTH) {
      this.depth--;
      this.problem(p.loc, 'schema too deeply nested (definitions inlined more than 3000 levels deep)');
      return this.pool.notAllowed;
    }
    try {
      return this.conv1(p, where);
    } finally {
      this.depth--;
    }
  }

  private conv1(p: RPattern, where: Where): Pattern {
    const pool = this.pool;
    // Section 7.1.5: what the start pattern may be made of (elements, choices, notAllowed).
    if (where.inStart && START_FORBIDDEN.has(p.t)) {
      this.problem(p.loc, `<${p.t}> is not allowed in <start> (it can only choose elements)`);
      return pool.notAllowed;
    }
    switch (p.t) {
      case 'empty':
        if (where.inExcept) this.problem(p.loc, '<empty> is not allowed inside <except>');
        return pool.empty;
      case 'notAllowed':
        return pool.notAllowed;
      case 'text':
        if (where.inList || where.inExcept) this.problem(p.loc, `<text> is not allowed inside ${where.inList ? '<list>' : '<except>'}`);
        return pool.text;
      case 'element': {
        if (where.inAttribute || where.inList || where.inExcept) {
          this.problem(p.loc, `<element> is not allowed inside ${where.inAttribute ? '<attribute>' : where.inList ? '<list>' : '<except>'}`);
          return pool.notAllowed;
        }
        const decl = pool.newElementDecl(p.nc);
        this.decls.push(decl);
        this.pending.push({ decl, body: p.body });
        return pool.element(decl);
      }
      case 'attribute': {
        if (where.inAttribute || where.inList || where.inExcept || where.inStart) {
          const inside = where.inAttribute ? '<attribute>' : where.inList ? '<list>' : where.inExcept ? '<except>' : '<start>';
          this.problem(p.loc, `<attribute> is not allowed inside ${inside}`);
          return pool.notAllowed;
        }
        const nc = p.nc;
        if (nc.kind === 'name' && nc.ns === 'http://www.w3.org/2000/xmlns' ) this.problem(p.loc, 'attributes cannot be namespace declarations');
        if (nc.kind === 'name' && nc.ns === '' && nc.local === 'xmlns') this.problem(p.loc, 'attributes cannot be named "xmlns"');
        // Section 7.3: an attribute of any (or any namespaced) name must be repeatable.
        if (!isFinite(nc) && !where.inOneOrMore) this.problem(p.loc, 'an <attribute> with a wildcard name (anyName, nsName) must be inside <oneOrMore> or <zeroOrMore>');
        return pool.attribute(nc, this.conv(p.body, { inAttribute: true }));
      }
      case 'choice':
        return pool.choiceOf(p.items.map((i) => this.conv(i, where)));
      case 'group':
      case 'interleave': {
        if (p.t === 'interleave' && (where.inList || where.inExcept)) this.problem(p.loc, `<interleave> is not allowed inside ${where.inList ? '<list>' : '<except>'}`);
        if (p.t === 'group' && where.inExcept) this.problem(p.loc, '<group> is not allowed inside <except>');
        const items = p.items.map((i) => this.conv(i, where));
        for (const m of checkOperands(p.t, items, this.levels)) this.problem(p.loc, m);
        // Section 7.1.2: a repeated group or interleave would repeat its attributes.
        if (where.inOneOrMore && items.some((i) => levelOf(i, this.levels).attributes.length)) {
          this.problem(p.loc, `attributes cannot be repeated: an <attribute> inside <${p.t}> inside <oneOrMore> (or <zeroOrMore>)`);
        }
        return this.balanced(items, p.t === 'group' ? (a, b) => pool.group(a, b) : (a, b) => pool.interleave(a, b));
      }
      case 'oneOrMore':
        if (where.inExcept) this.problem(p.loc, '<oneOrMore> is not allowed inside <except>');
        return pool.oneOrMore(this.conv(p.body, { ...where, inOneOrMore: true }));
      case 'list':
        if (where.inList || where.inExcept) this.problem(p.loc, `<list> is not allowed inside ${where.inList ? '<list>' : '<except>'}`);
        return pool.list(this.conv(p.body, { ...where, inList: true }));
      case 'data': {
        try {
          const dt = createDatatype(p.lib, p.type, p.params);
          const except = p.except ? this.conv(p.except, { ...where, inExcept: true }) : undefined;
          return pool.data(dt, except);
        } catch (e) {
          if (!(e instanceof DatatypeError)) throw e;
          this.problem(p.loc, e.message);
          return pool.notAllowed;
        }
      }
      case 'value': {
        try {
          const dt = createDatatype(p.lib, p.type);
          const ctx = { resolve: (prefix: string) => p.ns.get(prefix) };
          const v = dt.value(p.text, ctx);
          if (v === undefined) {
            this.problem(p.loc, `value "${p.text}" is not a valid "${p.type}"`);
            return pool.notAllowed;
          }
          return pool.value(dt, v, p.text);
        } catch (e) {
          if (!(e instanceof DatatypeError)) throw e;
          this.problem(p.loc, e.message);
          return pool.notAllowed;
        }
      }
      case 'ref':
      case 'parentRef': {
        const g = p.t === 'parentRef' ? p.grammar.parent : p.grammar;
        if (!g) return pool.notAllowed;
        const d = this.grammarInfo(g).defines.get(p.name);
        if (!d) return pool.notAllowed; // reported by checkRefs
        return this.defineOf(d, where, p.loc);
      }
      case 'grammar': {
        const info = this.grammarInfo(p.grammar);
        if (!info.start) {
          this.problem(p.loc, '<grammar> has no <start>');
          return pool.notAllowed;
        }
        return this.defineOf(info.start, where);
      }
    }
  }
}
