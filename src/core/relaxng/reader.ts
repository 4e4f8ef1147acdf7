// Reads RELAX NG XML syntax into the AST of ast.ts, following includes and externalRefs.
// Problems in the schema are collected (with file and span) rather than thrown one by one, so
// a schema author sees all of them.
import { parseXml, type XmlElement, type XmlDocument } from '../xml/parse';
import { scanName } from '../xml/scanner';
import { ncAnyName, ncChoice, ncName, ncNsName, type NameClass } from './nameClass';
import type { Component, Grammar, Loc, RPattern } from './ast';

export const RNG_NS = 'http://relaxng.org/ns/structure/1.0';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_ATTR_NS = 'http://www.w3.org/2000/xmlns';
const MAX_DEPTH = 400;

// Section 3: the attributes each element of the RELAX NG syntax may have besides ns and
// datatypeLibrary (which every one may have) and attributes in other namespaces.
const ATTRIBUTES: Record<string, readonly string[]> = {
  element: ['name'], attribute: ['name'], ref: ['name'], parentRef: ['name'], define: ['name', 'combine'],
  start: ['combine'], externalRef: ['href'], include: ['href'], data: ['type'], value: ['type'], param: ['name'],
};

/** NCName: an XML Name without colons. */
export function isNCName(s: string): boolean {
  return s.length > 0 && scanName(s, 0, s.length) === s.length && !s.includes(':');
}

/** Why a datatypeLibrary value is not an absolute URI without a fragment (RFC 2396), if it is not. */
function datatypeLibraryProblem(v: string): string | undefined {
  if (v === '') return undefined;
  if (/%(?![0-9A-Fa-f]{2})/.test(v) || /^[a-zA-Z][a-zA-Z0-9+.-]*:$/.test(v)) return `"${v}" is not a valid URI reference according to RFC 2396`;
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(v)) return `URI in value of "datatypeLibrary" attribute must not be relative ("${v}")`;
  if (v.includes('#')) return `URI in value of "datatypeLibrary" attribute must not have a fragment identifier ("${v}")`;
  return undefined;
}

export interface SchemaProblem {
  file: string;
  /** 0-based range in the file, when known. */
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  message: string;
}

/** Reads a file's text; throws if it cannot. Paths are absolute. */
export type SchemaLoader = (path: string) => string;

/** Joins a relative href to the directory of `base` (both '/'-separated absolute paths or URLs). */
export function resolveHref(base: string, href: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(href) && !/^[a-zA-Z]:[\\/]/.test(href)) {
    if (href.startsWith('file://')) return decodeURIComponent(href.slice(7));
    return href;
  }
  if (href.startsWith('/')) return href;
  const dir = base.replace(/[\\/][^\\/]*$/, '');
  const parts = `${dir}/${href}`.split(/[\\/]/);
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && !(p === '' && out.length > 0)) out.push(p);
  }
  return out.join('/') || '/';
}

interface Ctx {
  file: string;
  ns: string;
  lib: string;
  prefixes: Map<string, string>;
  grammar: Grammar | undefined;
  depth: number;
  /** Base URI for href (the file, or as changed by xml:base). */
  base: string;
}

export class SchemaReader {
  readonly problems: SchemaProblem[] = [];
  readonly refs: Array<Extract<RPattern, { t: 'ref' | 'parentRef' }>> = [];
  /** Every grammar read, reachable or not (their definitions are all checked). */
  readonly grammars: Grammar[] = [];
  private readonly docs = new Map<string, XmlDocument | null>();
  private readonly includeStack: string[] = [];

  constructor(private readonly load: SchemaLoader) {}

  /** Reads the schema file and returns its top pattern (undefined if it could not be read at all). */
  readSchema(file: string): RPattern | undefined {
    const root = this.rootOf(file, undefined);
    if (!root) return undefined;
    return this.pattern(root, { file, ns: '', lib: '', prefixes: new Map([['xml', XML_NS]]), grammar: undefined, depth: 0, base: file }, 'the schema');
  }

  problem(loc: Loc | undefined, message: string, file?: string): void {
    const f = loc?.file ?? file ?? '';
    const doc = this.docs.get(f);
    if (loc && doc) {
      const r = doc.lines.rangeOf(loc.span.start, loc.span.end);
      this.problems.push({ file: f, line: r.start.line, character: r.start.character, endLine: r.end.line, endCharacter: r.end.character, message });
    } else this.problems.push({ file: f, line: 0, character: 0, endLine: 0, endCharacter: 0, message });
  }

  private rootOf(file: string, from: Loc | undefined): XmlElement | undefined {
    let doc = this.docs.get(file);
    if (doc === undefined) {
      let text: string;
      try {
        text = this.load(file);
      } catch (e) {
        this.docs.set(file, null);
        this.problem(from, `cannot read schema "${file}": ${e instanceof Error ? e.message.replace(/^[A-Z]+: /, '') : String(e)}`, from ? undefined : file);
        return undefined;
      }
      // Uncached (an explicit maxDepth): schema files would only crowd out the editor's documents.
      doc = parseXml(text.replace(/^\uFEFF/, ''), { maxDepth: 2000 });
      this.docs.set(file, doc);
      if (doc.error) {
        this.problem({ file, span: doc.error.span }, `schema is not well-formed XML: ${doc.error.message}`);
        return undefined;
      }
    }
    if (!doc) return undefined;
    const root = doc.root;
    if (!root || root.uri !== RNG_NS) {
      this.problem(root ? { file, span: root.nameSpan } : from, `"${file}" is not a RELAX NG schema (its root element is not in namespace ${RNG_NS})`);
      return undefined;
    }
    return root;
  }

  private loc(ctx: Ctx, el: XmlElement): Loc {
    return { file: ctx.file, span: el.nameSpan };
  }

  /**
   * Context for an element: xmlns declarations, ns and datatypeLibrary inheritance, xml:base.
   * Also checks the element's attributes against section 3 (call it once per element).
   */
  private enter(el: XmlElement, ctx: Ctx): Ctx {
    let prefixes = ctx.prefixes;
    let ns = ctx.ns;
    let lib = ctx.lib;
    let base = ctx.base;
    const allowed = ATTRIBUTES[el.local] ?? [];
    for (const a of el.attributes) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') {
        if (prefixes === ctx.prefixes) prefixes = new Map(prefixes);
        prefixes.set(a.prefix === 'xmlns' ? a.local : '', a.value);
      } else if (a.uri === '') {
        if (a.local === 'ns') ns = a.value;
        else if (a.local === 'datatypeLibrary') {
          lib = a.value;
          const why = datatypeLibraryProblem(lib);
          if (why) this.problem({ file: ctx.file, span: a.valueSpan }, why);
        } else if (!allowed.includes(a.local)) this.problem({ file: ctx.file, span: a.nameSpan }, `illegal attribute "${a.local}" on <${el.local}>`);
      } else if (a.uri === RNG_NS) {
        this.problem({ file: ctx.file, span: a.nameSpan }, `attribute name "${a.local}" incorrectly qualified with RELAX NG namespace URI`);
      } else if (a.uri === XML_NS && a.local === 'base') {
        // A base ending in '/' names a folder: keep the slash so hrefs resolve inside it.
        base = resolveHref(base, a.value) + (/[\\/]$/.test(a.value) ? '/' : '');
      }
    }
    if (ctx.depth > MAX_DEPTH) throw new DepthError(this.loc(ctx, el));
    return { ...ctx, prefixes, ns, lib, base, depth: ctx.depth + 1 };
  }

  /** Children that must not be there (section 3): RELAX NG elements in an element that takes none. */
  private noChildren(kids: XmlElement[], ctx: Ctx, what: string): void {
    if (kids.length) this.problem(this.loc(ctx, kids[0]), `<${kids[0].local}> is not allowed in ${what}`);
  }

  /** The value of a name attribute that must be an NCName (define, ref, parentRef, param, type). */
  private ncname(el: XmlElement, ctx: Ctx, attr: string): string | undefined {
    const v = this.attr(el, attr);
    if (v !== undefined && !isNCName(v)) this.problem(this.loc(ctx, el), `"${v}" is not a valid local name`);
    return v;
  }

  private rngChildren(el: XmlElement, file = ''): XmlElement[] {
    const out: XmlElement[] = [];
    for (const c of el.children) {
      if (c.kind === 'element') {
        if (c.uri === RNG_NS) out.push(c);
      } else if (!/^[ \t\n\r]*$/.test(c.value) && el.uri === RNG_NS && !['value', 'param', 'name'].includes(el.local)) {
        this.problem({ file, span: c.span }, `text is not allowed in <${el.local}>`);
      }
    }
    return out;
  }

  private attr(el: XmlElement, name: string): string | undefined {
    const a = el.attributes.find((x) => x.uri === '' && x.local === name);
    return a === undefined ? undefined : name === 'name' || name === 'type' || name === 'combine' ? a.value.trim() : a.value;
  }

  private textOf(el: XmlElement): string {
    return el.children.map((c) => (c.kind === 'text' ? c.value : '')).join('');
  }

  /** The children of element, define, oneOrMore, ... as one pattern (grouped if several). */
  private group(els: XmlElement[], ctx: Ctx, loc: Loc, what: string): RPattern {
    if (els.length === 0) {
      this.problem(loc, `${what} must contain a pattern`);
      return { t: 'notAllowed', loc };
    }
    const items = els.map((e) => this.pattern(e, ctx, what));
    return items.length === 1 ? items[0] : { t: 'group', items, loc };
  }

  pattern(el: XmlElement, outer: Ctx, where: string): RPattern {
    const ctx = this.enter(el, outer);
    const loc = this.loc(ctx, el);
    const kids = this.rngChildren(el, ctx.file);
    switch (el.local) {
      case 'element':
      case 'attribute': {
        const isAttr = el.local === 'attribute';
        const name = this.attr(el, 'name');
        let nc: NameClass;
        let rest = kids;
        if (name !== undefined) {
          const own = this.attr(el, 'ns');
          nc = this.qname(name, isAttr ? (own ?? '') : ctx.ns, ctx, loc);
        } else {
          if (kids.length === 0) {
            this.problem(loc, `<${el.local}> needs a name attribute or a name class`);
            return { t: 'notAllowed', loc };
          }
          nc = this.nameClass(kids[0], ctx);
          rest = kids.slice(1);
        }
        if (isAttr) this.checkAttributeName(nc, loc);
        const body: RPattern = isAttr && rest.length === 0 ? { t: 'text', loc } : this.group(rest, ctx, loc, `<${el.local}>`);
        if (isAttr && rest.length > 1) this.problem(loc, '<attribute> may contain only one pattern');
        return { t: el.local, nc, body, loc } as RPattern;
      }
      case 'group':
      case 'interleave':
      case 'choice': {
        if (kids.length === 0) {
          this.problem(loc, `<${el.local}> must contain a pattern`);
          return { t: 'notAllowed', loc };
        }
        const items = kids.map((k) => this.pattern(k, ctx, `<${el.local}>`));
        return items.length === 1 ? items[0] : { t: el.local, items, loc };
      }
      case 'optional':
        return { t: 'choice', items: [this.group(kids, ctx, loc, '<optional>'), { t: 'empty', loc }], loc };
      case 'zeroOrMore':
        return { t: 'choice', items: [{ t: 'oneOrMore', body: this.group(kids, ctx, loc, '<zeroOrMore>'), loc }, { t: 'empty', loc }], loc };
      case 'oneOrMore':
      case 'list':
        return { t: el.local, body: this.group(kids, ctx, loc, `<${el.local}>`), loc };
      case 'mixed':
        return { t: 'interleave', items: [this.group(kids, ctx, loc, '<mixed>'), { t: 'text', loc }], loc };
      case 'empty':
      case 'text':
      case 'notAllowed':
        if (kids.length) this.problem(loc, `<${el.local}> must be empty`);
        return { t: el.local, loc };
      case 'ref':
      case 'parentRef': {
        this.noChildren(kids, ctx, `<${el.local}> (it must be empty)`);
        const name = this.ncname(el, ctx, 'name');
        if (!name) {
          this.problem(loc, `<${el.local}> needs a name attribute`);
          return { t: 'notAllowed', loc };
        }
        const grammar = ctx.grammar;
        if (!grammar || (el.local === 'parentRef' && !grammar.parent)) {
          this.problem(loc, el.local === 'ref' ? `<ref name="${name}"> outside a <grammar>` : `<parentRef name="${name}"> without a parent grammar`);
          return { t: 'notAllowed', loc };
        }
        const r = { t: el.local, name, grammar, loc } as Extract<RPattern, { t: 'ref' | 'parentRef' }>;
        this.refs.push(r);
        return r;
      }
      case 'data': {
        const type = this.ncname(el, ctx, 'type');
        if (!type) {
          this.problem(loc, '<data> needs a type attribute');
          return { t: 'notAllowed', loc };
        }
        const params: Array<{ name: string; value: string }> = [];
        let except: RPattern | undefined;
        for (const k of kids) {
          const kctx = this.enter(k, ctx);
          if (except) this.problem(this.loc(ctx, k), `<${k.local}> is not allowed after <except> in <data>`);
          if (k.local === 'param') {
            const pn = this.ncname(k, kctx, 'name');
            this.noChildren(this.rngChildren(k, ctx.file), kctx, '<param> (it holds text only)');
            if (!pn) this.problem(this.loc(ctx, k), '<param> needs a name attribute');
            else params.push({ name: pn, value: this.textOf(k) });
          } else if (k.local === 'except') {
            const exKids = this.rngChildren(k, ctx.file);
            const items = exKids.map((x) => this.pattern(x, kctx, '<except>'));
            if (items.length === 0) this.problem(this.loc(ctx, k), '<except> must contain a pattern');
            except = items.length === 1 ? items[0] : { t: 'choice', items, loc: this.loc(ctx, k) };
          } else this.problem(this.loc(ctx, k), `<${k.local}> is not allowed in <data>`);
        }
        return { t: 'data', lib: ctx.lib, type, params, except, loc };
      }
      case 'value': {
        const type = this.ncname(el, ctx, 'type');
        const ns = new Map(ctx.prefixes);
        ns.set('', ctx.ns);
        if (kids.length) this.problem(loc, '<value> must contain text only');
        return { t: 'value', lib: type === undefined ? '' : ctx.lib, type: type ?? 'token', text: this.textOf(el), ns, loc };
      }
      case 'externalRef': {
        this.noChildren(kids, ctx, '<externalRef> (it must be empty)');
        const href = this.attr(el, 'href');
        if (!href) {
          this.problem(loc, '<externalRef> needs an href attribute');
          return { t: 'notAllowed', loc };
        }
        const file = resolveHref(ctx.base, href);
        if (this.includeStack.includes(file)) {
          this.problem(loc, `externalRef loop: "${file}" refers to itself`);
          return { t: 'notAllowed', loc };
        }
        const root = this.rootOf(file, loc);
        if (!root) return { t: 'notAllowed', loc };
        this.includeStack.push(file);
        try {
          // The referenced pattern inherits ns unless it sets its own; it starts with no grammar.
          return this.pattern(root, { ...ctx, file, base: file, lib: '', grammar: undefined, prefixes: new Map([['xml', XML_NS]]) }, 'externalRef');
        } finally {
          this.includeStack.pop();
        }
      }
      case 'grammar': {
        const grammar: Grammar = { parent: ctx.grammar, components: [], loc };
        this.grammars.push(grammar);
        grammar.components = this.grammarContent(el, { ...ctx, grammar });
        return { t: 'grammar', grammar, loc };
      }
      default:
        this.problem(loc, `<${el.local}> is not a pattern (in ${where})`);
        return { t: 'notAllowed', loc };
    }
  }

  /** start/define/div/include children of a grammar (or include or div), flattened. */
  private grammarContent(el: XmlElement, ctx: Ctx): Component[] {
    const out: Component[] = [];
    for (const k of this.rngChildren(el, ctx.file)) {
      const kctx = this.enter(k, ctx);
      const loc = this.loc(kctx, k);
      if (k.local === 'start' || k.local === 'define') {
        const name = k.local === 'start' ? '' : this.ncname(k, kctx, 'name');
        if (name === undefined) {
          this.problem(loc, '<define> needs a name attribute');
          continue;
        }
        const combine = this.attr(k, 'combine');
        if (combine !== undefined && combine !== 'choice' && combine !== 'interleave') {
          this.problem(loc, `combine must be "choice" or "interleave", not "${combine}"`);
        }
        const kids = this.rngChildren(k, ctx.file);
        if (k.local === 'start' && kids.length > 1) this.problem(loc, '<start> must contain exactly one pattern');
        const body = this.group(kids, kctx, loc, k.local === 'start' ? '<start>' : `<define name="${name}">`);
        out.push({ kind: k.local, name, combine: combine as Component['combine'], body, loc });
      } else if (k.local === 'div') {
        out.push(...this.grammarContent(k, kctx));
      } else if (k.local === 'include') {
        out.push(...this.include(k, kctx, loc));
      } else {
        this.problem(loc, `<${k.local}> is not allowed in a grammar (expected start, define, div or include)`);
      }
    }
    return out;
  }

  private include(el: XmlElement, ctx: Ctx, loc: Loc): Component[] {
    const href = this.attr(el, 'href');
    const overrides = this.grammarContent(el, ctx);
    if (!href) {
      this.problem(loc, '<include> needs an href attribute');
      return overrides;
    }
    const file = resolveHref(ctx.base, href);
    if (this.includeStack.includes(file)) {
      this.problem(loc, `include loop: "${file}" includes itself`);
      return overrides;
    }
    const root = this.rootOf(file, loc);
    if (!root) return overrides;
    if (root.local !== 'grammar') {
      this.problem(loc, `included file "${file}" must have <grammar> as its root element`);
      return overrides;
    }
    this.includeStack.push(file);
    let included: Component[];
    try {
      const base: Ctx = { file, ns: ctx.ns, lib: '', prefixes: new Map([['xml', XML_NS]]), grammar: ctx.grammar, depth: ctx.depth, base: file };
      included = this.grammarContent(root, this.enter(root, base));
    } finally {
      this.includeStack.pop();
    }
    // Components of the include replace the included grammar's ones of the same name.
    const overridden = new Set(overrides.map((c) => `${c.kind}:${c.name}`));
    for (const key of overridden) {
      if (!included.some((c) => `${c.kind}:${c.name}` === key)) {
        const o = overrides.find((c) => `${c.kind}:${c.name}` === key)!;
        this.problem(loc, o.kind === 'start' ? `<start> in <include> overrides nothing: "${file}" has no <start>` : `definition "${o.name}" in <include> overrides nothing: "${file}" has no definition "${o.name}"`);
      }
    }
    return [...included.filter((c) => !overridden.has(`${c.kind}:${c.name}`)), ...overrides];
  }

  private qname(qn: string, defaultNs: string, ctx: Ctx, loc: Loc): NameClass {
    const i = qn.indexOf(':');
    const local = qn.slice(i + 1);
    if (!isNCName(local)) this.problem(loc, `"${local}" is not a valid local name`);
    if (i < 0) return ncName(defaultNs, qn);
    const prefix = qn.slice(0, i);
    if (!isNCName(prefix)) {
      this.problem(loc, `"${prefix}" is not a valid prefix`);
      return ncName('', qn);
    }
    const uri = ctx.prefixes.get(prefix);
    if (uri === undefined) {
      this.problem(loc, `undeclared namespace prefix "${prefix}" in name "${qn}"`);
      return ncName('', qn);
    }
    return ncName(uri, qn.slice(i + 1));
  }

  /** Section 4.16: no attribute named xmlns or in the xmlns namespace (excepted names aside). */
  private checkAttributeName(nc: NameClass, loc: Loc): void {
    const stack = [nc];
    while (stack.length) {
      const c = stack.pop()!;
      if (c.kind === 'choice') stack.push(c.a, c.b);
      else if (c.kind === 'name' && c.ns === '' && c.local === 'xmlns') this.problem(loc, 'attribute must not be named "xmlns"');
      else if ((c.kind === 'name' || c.kind === 'nsName') && c.ns === XMLNS_ATTR_NS) this.problem(loc, `attribute must not have namespace URI "${XMLNS_ATTR_NS}"`);
    }
  }

  /** A name class; `inExcept` is the anyName or nsName whose except it is in (section 4.16). */
  private nameClass(el: XmlElement, outer: Ctx, inExcept?: 'anyName' | 'nsName'): NameClass {
    const ctx = this.enter(el, outer);
    const loc = this.loc(ctx, el);
    const kids = this.rngChildren(el, ctx.file);
    if (inExcept && (el.local === 'anyName' || (el.local === 'nsName' && inExcept === 'nsName'))) {
      this.problem(loc, `"except" in "${inExcept}" contains "${el.local}"`);
    }
    const except = (): NameClass | undefined => {
      const excepts = kids.filter((k) => k.local === 'except');
      for (const k of kids) if (k.local !== 'except') this.problem(this.loc(ctx, k), `<${k.local}> is not allowed in <${el.local}>`);
      if (excepts.length > 1) this.problem(this.loc(ctx, excepts[1]), `at most one <except> is allowed in <${el.local}>`);
      const ex = excepts[0];
      if (!ex) return undefined;
      const exCtx = this.enter(ex, ctx);
      const parts = this.rngChildren(ex, ctx.file).map((k) => this.nameClass(k, exCtx, el.local as 'anyName' | 'nsName'));
      if (parts.length === 0) {
        this.problem(this.loc(ctx, ex), '<except> must contain a name class');
        return undefined;
      }
      return parts.reduce((a, b) => ncChoice(a, b));
    };
    switch (el.local) {
      case 'name':
        this.noChildren(kids, ctx, '<name> (it holds a name only)');
        return this.qname(this.textOf(el).trim(), ctx.ns, ctx, loc);
      case 'anyName':
        return ncAnyName(except());
      case 'nsName':
        return ncNsName(ctx.ns, except());
      case 'choice': {
        const parts = kids.map((k) => this.nameClass(k, ctx, inExcept));
        if (parts.length === 0) {
          this.problem(loc, '<choice> must contain a name class');
          return ncName('', '');
        }
        return parts.reduce((a, b) => ncChoice(a, b));
      }
      default:
        this.problem(loc, `<${el.local}> is not a name class (expected name, anyName, nsName or choice)`);
        return ncName('', '');
    }
  }
}

export class DepthError extends Error {
  constructor(readonly loc: Loc) {
    super(`schema nested more than ${MAX_DEPTH} levels deep`);
  }
}
