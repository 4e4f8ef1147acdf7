// The semantic part of the spec's simplification (section 4.17-4.20): combine defines, resolve
// ref/parentRef per grammar, turn every element into an ElementDecl and inline the other
// definitions, and build interned patterns. The section 7 restrictions are then checked on the
// simplified result (restrictions.ts), as the specification says: after notAllowed and empty are
// gone and unreachable definitions are dropped.
import { createDatatype, DatatypeError } from './datatypes';
import type { Component, Grammar, Loc, RPattern } from './ast';
import type { SchemaReader } from './reader';
import { PatternPool, type ElementDecl, type Pattern } from './patterns';
import { checkSimplified } from './restrictions';
import { buildIdTable, idTypeOf, type IdTable } from './idTypes';

interface Define {
  name: string;
  parts: Component[];
  state: 'new' | 'building' | 'done';
  pattern?: Pattern;
  /** The reference that started building it (where a bad recursion is reported, as Jing does). */
  from?: Loc;
}

const MAX_INLINE_DEPTH = 3000;

export class Simplifier {
  private readonly grammars = new Map<Grammar, { defines: Map<string, Define>; start?: Define }>();
  private readonly pending: Array<{ decl: ElementDecl; body: RPattern }> = [];
  readonly decls: ElementDecl[] = [];
  /** ID-typed attributes (DTD compatibility), when the schema uses ID, IDREF or IDREFS. */
  ids: IdTable | undefined;
  /** Whether any data or value pattern has an ID-type (else the ID checks are skipped). */
  private usesIds = false;
  private depth = 0;
  /** Where each simplified pattern was first written (for the section 7 messages). */
  private readonly locs = new Map<number, Loc>();
  /** Set while checking definitions that no start reaches: their elements are not declared. */
  private unreachable = false;
  private readonly noStart = new Set<Grammar>();

  constructor(readonly pool: PatternPool, private readonly reader: SchemaReader) {}

  /** Builds the pattern of the whole schema; problems go to the reader's list. */
  build(top: RPattern): Pattern {
    const start = this.conv(top);
    this.drain();
    const report = (loc: Loc, m: string) => this.problem(loc, m);
    const elements = checkSimplified(start, this.locs, top.loc, report);
    if (this.usesIds) this.ids = buildIdTable(elements, this.locs, top.loc, report);
    // Definitions that no start reaches are still read and checked (datatypes, values, nested
    // grammars), as Jing does; the section 7 restrictions apply only to the simplified schema.
    this.unreachable = true;
    for (const g of this.reader.grammars) {
      const info = this.grammarInfo(g);
      if (!info.start) this.missingStart(g);
      for (const d of [...info.defines.values(), ...(info.start ? [info.start] : [])]) if (d.state === 'new') this.defineOf(d);
      this.drain();
    }
    this.checkRefs();
    return start;
  }

  /** Element contents are built after the fact: no recursion through elements. */
  private drain(): void {
    while (this.pending.length) {
      const { decl, body } = this.pending.pop()!;
      decl.content = this.conv(body);
    }
  }

  private missingStart(g: Grammar): void {
    if (this.noStart.has(g)) return;
    this.noStart.add(g);
    this.problem(g.loc, '<grammar> has no <start>');
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

  private defineOf(d: Define, from?: Loc): Pattern {
    if (d.state === 'done') return d.pattern!;
    if (d.state === 'building') {
      // Section 4.19 drops unreachable definitions before this check (Jing agrees).
      if (!this.unreachable) this.problem(d.from ?? d.parts[0].loc, `bad recursive reference to pattern "${d.name}": it refers to itself without an element in between`);
      return this.pool.notAllowed;
    }
    d.state = 'building';
    d.from = from;
    const combine = d.parts.find((p) => p.combine)?.combine ?? 'choice';
    const ps = d.parts.map((p) => this.conv(p.body));
    let r: Pattern;
    if (combine === 'choice') r = this.pool.choiceOf(ps);
    else r = this.balanced(ps, (a, b) => this.pool.interleave(a, b));
    if (!this.locs.has(r.id)) this.locs.set(r.id, d.parts[0].loc);
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

  private conv(p: RPattern): Pattern {
    if (++this.depth > MAX_INLINE_DEPTH) {
      this.depth--;
      this.problem(p.loc, 'schema too deeply nested (definitions inlined more than 3000 levels deep)');
      return this.pool.notAllowed;
    }
    try {
      const r = this.conv1(p);
      if (!this.locs.has(r.id)) this.locs.set(r.id, p.loc);
      return r;
    } finally {
      this.depth--;
    }
  }

  private conv1(p: RPattern): Pattern {
    const pool = this.pool;
    switch (p.t) {
      case 'empty':
        return pool.empty;
      case 'notAllowed':
        return pool.notAllowed;
      case 'text':
        return pool.text;
      case 'element': {
        const decl = pool.newElementDecl(p.nc);
        if (!this.unreachable) this.decls.push(decl);
        this.pending.push({ decl, body: p.body });
        return pool.element(decl);
      }
      case 'attribute':
        return pool.attribute(p.nc, this.conv(p.body));
      case 'choice':
        return pool.choiceOf(p.items.map((i) => this.conv(i)));
      case 'group':
      case 'interleave': {
        const items = p.items.map((i) => this.conv(i));
        return this.balanced(items, p.t === 'group' ? (a, b) => pool.group(a, b) : (a, b) => pool.interleave(a, b));
      }
      case 'oneOrMore':
        return pool.oneOrMore(this.conv(p.body));
      case 'list':
        return pool.list(this.conv(p.body));
      case 'data': {
        try {
          const dt = createDatatype(p.lib, p.type, p.params);
          if (idTypeOf(dt)) this.usesIds = true;
          const except = p.except ? this.conv(p.except) : undefined;
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
          if (idTypeOf(dt)) this.usesIds = true;
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
        return this.defineOf(d, p.loc);
      }
      case 'grammar': {
        const info = this.grammarInfo(p.grammar);
        if (!info.start) {
          this.missingStart(p.grammar);
          return pool.notAllowed;
        }
        return this.defineOf(info.start);
      }
    }
  }
}
