// Walks a parsed document through the derivative algorithm, iteratively (no recursion on the
// document's depth), reporting each fault at the offending element, attribute or text and then
// recovering so the siblings are still checked. Hooks let expectAt.ts stop at a position.
import { StartTag, type XmlAttribute, type XmlDocument, type XmlElement, type XmlHandler, type Span } from '../xml/parse';
import * as nodes from '../xml/nodes';
import type { ValueContext } from './datatypes';
import { K, type Pattern } from './patterns';
import type { RngSchema } from './schema';
import { isWhitespace } from './derive';
import { isFinite, type QName } from './nameClass';
import {
  allowedAttributes,
  attributeContents,
  expectedText,
  missingAttributes,
  missingContent,
  namesOf,
  startableElements,
} from './expect';

// Bound once (as in parse.ts): where modules are transpiled to CommonJS, each use of an imported
// name is a getter call.
const { ElementNode, TextNode } = nodes;

export interface Fault {
  span: Span;
  message: string;
}

export interface WalkHooks {
  /** Called with the state after `<name`, before any attribute; return true to stop. */
  afterStartTagOpen?(el: XmlElement, state: Pattern, scope: Scope): boolean | void;
  /** Called before each child (and at the end, with index = children.length); return true to stop. */
  beforeChild?(el: XmlElement, index: number, state: Pattern, scope: Scope): boolean | void;
}

/** In-scope namespace prefixes of an element ('' = default namespace). */
export class Scope implements ValueContext {
  constructor(readonly prefixes: Map<string, string>) {}
  resolve(prefix: string): string | undefined {
    if (prefix === 'xml') return 'http://www.w3.org/XML/1998/namespace';
    return this.prefixes.get(prefix) ?? (prefix === '' ? '' : undefined);
  }
  /** The scope inside an element with these attributes (`attributes[0..count)`). */
  static of(attributes: readonly XmlAttribute[], count: number, parent: Scope): Scope {
    let map: Map<string, string> | undefined;
    for (let i = 0; i < count; i++) {
      const a = attributes[i];
      if (a.prefix === 'xmlns' || a.name === 'xmlns') {
        map ??= new Map(parent.prefixes);
        map.set(a.prefix === 'xmlns' ? a.local : '', a.value);
      }
    }
    return map ? new Scope(map) : parent;
  }
  /** A name as the document would write it. */
  format(n: QName): string {
    if (n.ns === (this.prefixes.get('') ?? '')) return n.local;
    for (const [prefix, uri] of this.prefixes) if (uri === n.ns && prefix !== '') return `${prefix}:${n.local}`;
    return n.ns === '' ? n.local : `{${n.ns}}${n.local}`;
  }
}


const isNsDecl = (a: XmlAttribute) => a.prefix === 'xmlns' || a.name === 'xmlns';

/** No prefixes declared (the root's parent scope). */
const TOP = new Scope(new Map());

/** An open element as the walk knows it. One per depth, reused: a long run makes none after the deepest document. */
class Frame {
  /** The tree's node when a tree is replayed (run), for the hooks; undefined when streaming. */
  el: XmlElement | undefined = undefined;
  name = '';
  /** `<`, past the start tag's `>`, past the name; the end tag's `<` (-1: none) and end. */
  o0 = 0;
  o1 = 0;
  o2 = 0;
  o3 = -1;
  o4 = 0;
  scope: Scope = TOP;
  state: Pattern;
  /**
   * Detached (the common case): `state` is the element's content alone and `cont` the parent's
   * state once the element ends. The content states are then the same wherever the element
   * stands, so their derivatives are shared by every context instead of being derived again
   * under each parent state (After(content, rest) differs with each rest). Undefined when the
   * possible contents and rests do not separate: `state` is then After(content, rest) as in
   * Clark's algorithm, and the end tag derives the rest from it.
   */
  cont: Pattern | undefined = undefined;
  /** Where the parent's state goes back to when this element was itself in error. */
  restore: Pattern | undefined = undefined;
  /** The content had a text error: do not also call it incomplete. */
  lenientEnd = false;
  /** Nothing to check the element against: its content is not read. */
  skip = false;
  /** A child element came: the text is checked piece by piece (mixed), not as one value. */
  hasElements = false;
  /** Children (text pieces and elements) read so far: the index the hooks are given. */
  index = 0;
  /** The text read since the last child element: pieces, their text, from where to where. */
  pieces = 0;
  text = '';
  textStart = 0;
  textEnd = 0;

  constructor(state: Pattern) {
    this.state = state;
  }
}

export function quoteList(items: string[], conj = 'or'): string {
  const q = items.map((s) => `"${s}"`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} ${conj} ${q[q.length - 1]}`;
}


/**
 * The validator. It consumes the parser's events (XmlHandler): `vmctx rng` gives it a text to
 * read with scanXml and no tree is built; `run` replays a parsed tree as the same events, for
 * the editor, `check` and the hooks of expectAt.ts. Only the open elements' frames are kept.
 * An element's text is one value when the element has no child elements: it is known at the
 * end tag, so the text waits there (or until the first child element).
 */
export class Walker implements XmlHandler {
  /** The attributes are read during startElement only (a fault keeps their spans, not them). */
  readonly keepsAttributes = false;
  readonly faults: Fault[] = [];
  private readonly d;
  private readonly beforeChild: WalkHooks['beforeChild'];
  /** The document's text, for the spans of text faults. */
  private doc = '';
  private readonly frames: Frame[] = [];
  /** Open frames (frames[0..depth)). */
  private depth = 0;
  /** Nesting inside a skipped element's content (nothing of it is read). */
  private skipDepth = 0;
  /** A hook stopped the walk: the events that follow are ignored. */
  private stopped = false;
  /** The tree's node of the start tag being replayed (run), and the tag made of it. */
  private node: XmlElement | undefined = undefined;
  private readonly tag = new StartTag();

  constructor(readonly schema: RngSchema, private readonly hooks: WalkHooks = {}, private readonly maxFaults = 1000) {
    this.d = schema.deriver;
    this.beforeChild = hooks.beforeChild;
  }

  private fault(span: Span, message: string): void {
    if (this.faults.length < this.maxFaults) this.faults.push({ span, message });
  }

  /** Whether this walker still derives with `schema`'s states (trim() starts them afresh) and stops after `maxFaults`. */
  fits(schema: RngSchema, maxFaults: number): boolean {
    return this.schema === schema && this.d === schema.deriver && this.maxFaults === maxFaults;
  }

  /** Starts a document (streaming): its text, for the spans of text faults. The faults of the document before are dropped. */
  begin(text: string): void {
    this.faults.length = 0;
    this.doc = text;
    this.depth = 0;
    this.skipDepth = 0;
    this.stopped = false;
  }

  /** Validates a parsed document by replaying it as the parser's events; returns false if a hook stopped the walk. */
  run(doc: Pick<XmlDocument, 'root' | 'text'>): boolean {
    this.begin(doc.text);
    const root = doc.root;
    if (!root) return true;
    const els: XmlElement[] = [root];
    const at: number[] = [0];
    this.replayStart(root);
    while (!this.stopped && els.length > 0) {
      const top = els.length - 1;
      const el = els[top];
      const i = at[top];
      const children = el.children;
      if (i < children.length) {
        at[top] = i + 1;
        const c = children[i];
        if (c.kind === 'text') {
          if (c instanceof TextNode) this.text(c.value, c.o0, c.o1);
          else this.text(c.value, c.span.start, c.span.end);
        } else {
          els.push(c);
          at.push(0);
          this.replayStart(c);
        }
      } else {
        els.pop();
        at.pop();
        if (el instanceof ElementNode) this.endElement(el.selfClosing ? -1 : el.o3, el.o4);
        else this.endElement(el.endTag ? el.endTag.start : -1, el.endTag ? el.endTag.end : el.startTag.end);
      }
    }
    return !this.stopped;
  }

  private replayStart(el: XmlElement): void {
    this.node = el;
    const a = el.attributes;
    // The offsets without making the span objects of the parser's nodes.
    const node = el instanceof ElementNode;
    const start = node ? el.o0 : el.span.start;
    const tagEnd = node ? el.o1 : el.startTag.end;
    const nameEnd = node ? el.o2 : el.nameSpan.end;
    this.startElement(this.tag.set(el.name, el.local, el.prefix, el.uri, a, a.length, start, tagEnd, nameEnd, el.selfClosing));
    this.node = undefined;
  }

  startElement(tag: StartTag): void {
    if (this.stopped) return;
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return;
    }
    const parent = this.depth > 0 ? this.frames[this.depth - 1] : undefined;
    if (parent) {
      if (parent.skip) {
        this.skipDepth = 1;
        return;
      }
      parent.hasElements = true;
      if (parent.pieces > 0 && this.mixedText(parent)) return;
      parent.index++;
    }
    let f = this.frames[this.depth];
    if (f === undefined) f = this.frames[this.depth] = new Frame(this.schema.pool.notAllowed);
    this.depth++;
    f.el = this.node;
    f.name = tag.name;
    f.o0 = tag.start;
    f.o1 = tag.tagEnd;
    f.o2 = tag.nameEnd;
    // cont and lenientEnd are set by openWith or the skip, o3 and o4 at the end.
    f.restore = undefined;
    f.skip = false;
    f.hasElements = false;
    f.index = 0;
    f.pieces = 0;
    this.open(f, parent, tag.uri, tag.local, tag.attributes, tag.count);
  }

  text(value: string, start: number, end: number): void {
    if (this.stopped || this.skipDepth > 0) return;
    const f = this.frames[this.depth - 1];
    if (f.skip) return;
    f.index++;
    // Adjacent text pieces (split by comments, CDATA) form one text.
    if (f.pieces++ === 0) {
      f.text = value;
      f.textStart = start;
    } else f.text += value;
    f.textEnd = end;
  }

  endElement(start: number, end: number): void {
    if (this.stopped) return;
    if (this.skipDepth > 0) {
      this.skipDepth--;
      return;
    }
    const f = this.frames[--this.depth];
    f.o3 = start;
    f.o4 = end;
    const pool = this.schema.pool;
    if (f.skip) {
      if (this.stopAt(f, f.el ? f.el.children.length : 0)) return;
    } else if (!f.hasElements) {
      // Element with text only (or nothing): the whole text is one value.
      const s = f.pieces > 0 ? f.text : '';
      const next = this.d.elementText(f.state, s, f.scope);
      if (next === pool.notAllowed && f.state !== pool.notAllowed) f.lenientEnd = this.badText(f, s) || f.lenientEnd;
      else f.state = next;
      if (this.stopAt(f, f.index)) return;
    } else if (f.pieces > 0 && this.mixedText(f)) return;
    let after: Pattern;
    if (f.cont !== undefined) {
      // As the end tag of After(state, cont) would: the rest when the content is complete,
      // and the rest anyway (after saying so) when it is not.
      if (!f.state.nullable && !f.lenientEnd) this.incomplete(f);
      after = f.state === pool.notAllowed ? pool.notAllowed : f.cont;
    } else {
      after = this.d.endTag(f.state);
      if (after === pool.notAllowed) {
        if (!f.lenientEnd) this.incomplete(f);
        after = this.d.endTag(f.state, true);
      }
    }
    f.el = undefined;
    f.text = '';
    if (this.depth === 0) return;
    const parent = this.frames[this.depth - 1];
    parent.state = f.restore ?? after;
    this.stopAt(parent, parent.index);
  }

  /** Calls the beforeChild hook, if any; whether it stopped the walk. */
  private stopAt(f: Frame, index: number): boolean {
    if (this.beforeChild === undefined || f.el === undefined) return false;
    if (this.hooks.beforeChild!(f.el, index, this.view(f), f.scope)) this.stopped = true;
    return this.stopped;
  }

  /** The text read since the last child element, in an element with child elements; whether a hook stopped the walk. */
  private mixedText(f: Frame): boolean {
    const s = f.text;
    f.pieces = 0;
    f.text = '';
    if (!isWhitespace(s)) {
      const next = this.d.text(f.state, s, f.scope);
      if (next === this.schema.pool.notAllowed) {
        const span = trimSpan(this.doc, f.textStart, f.textEnd);
        this.fault(span, `text "${clip(s.trim())}" not allowed here; expected ${this.expectedContent(this.view(f), f.scope)}`);
      } else f.state = next;
    }
    return this.stopAt(f, f.index);
  }

  /** A frame's state as Clark's algorithm has it (After(content, rest) when detached): for hooks and messages. */
  private view(f: Frame): Pattern {
    return this.attach(f.state, f.cont);
  }

  private attach(state: Pattern, cont: Pattern | undefined): Pattern {
    return cont === undefined ? state : this.schema.pool.after(state, cont);
  }

  /**
   * A start-tag derivative Choice(After(content_i, rest_i)) as one content and one rest, when it
   * separates: all contents equal (the rest is the choice of the rests), or all rests equal
   * (the content is the choice of the contents). Undefined otherwise.
   */
  private detach(p: Pattern): readonly [content: Pattern, rest: Pattern] | undefined {
    if (p.k !== K.Choice) return undefined;
    // Memoized by the (interned) pattern: the choices come back with every such element.
    const memo = this.d.detached;
    const known = memo.get(p.id);
    if (known !== undefined) return known ?? undefined;
    const alts = p.alts!;
    const a = alts[0].a!;
    const b = alts[0].b!;
    let sameA = true;
    let sameB = true;
    for (let i = 0; i < alts.length; i++) {
      const q = alts[i];
      if (q.k !== K.After) {
        memo.set(p.id, null);
        return undefined;
      }
      if (q.a !== a) sameA = false;
      if (q.b !== b) sameB = false;
    }
    const pool = this.schema.pool;
    const parts = sameA ? ([a, pool.choiceOf(alts.map((q) => q.b!))] as const) : sameB ? ([pool.choiceOf(alts.map((q) => q.a!)), b] as const) : null;
    memo.set(p.id, parts);
    return parts ?? undefined;
  }

  // The start of an element is the hottest code of a validation: its common path is kept small,
  // and every fault is said by a function of its own. V8 compiles a function with the functions
  // it calls inlined; fault paths kept in it made each compile of `open` large, and it was
  // compiled again each time a fault path first ran.
  private open(f: Frame, parent: Frame | undefined, uri: string, local: string, attributes: readonly XmlAttribute[], count: number): void {
    const state = parent ? parent.state : this.schema.start;
    const scope = Scope.of(attributes, count, parent ? parent.scope : TOP);
    f.scope = scope;
    const p = this.d.startTagOpen(state, uri, local);
    if (p === this.schema.pool.notAllowed) this.openUnexpected(f, parent, uri, local, attributes, count, state, scope);
    else this.openWith(f, attributes, count, scope, p);
  }

  /** An element that `state` does not allow there: said, then checked inside as well as can be. */
  private openUnexpected(
    f: Frame,
    parent: Frame | undefined,
    uri: string,
    local: string,
    attributes: readonly XmlAttribute[],
    count: number,
    state: Pattern,
    scope: Scope,
  ): void {
    const pool = this.schema.pool;
    const decls = this.schema.declsFor(uri, local);
    const view = parent ? this.view(parent) : state;
    // Perhaps required content before it is missing: check it where it would fit.
    let p = this.d.startTagOpenRecover(state, uri, local);
    if (p !== pool.notAllowed) {
      const missing = this.d.endTag(view) === pool.notAllowed ? namesOf(missingContent(contentOf(view)).elements).names : [];
      const expected = missing.length ? `missing required element ${quoteList(missing.map((n) => scope.format(n)).sort())}` : `expected ${this.expectedContent(view, scope)}`;
      this.fault(nameSpan(f), `element "${f.name}" not allowed yet; ${expected}`);
    } else {
      const where = !decls.some((d) => isFinite(d.nc)) ? 'anywhere' : parent ? `in element "${parent.name}"` : 'as the root element';
      this.fault(nameSpan(f), `element "${f.name}" not allowed ${where}; expected ${this.expectedContent(view, scope)}`);
    }
    if (p === pool.notAllowed) {
      // Else keep checking inside with the declarations of elements of that name, if any.
      f.restore = state;
      // Declarations that name the element say more than wildcards (anyName) do.
      const named = decls.filter((d) => isFinite(d.nc));
      p = pool.choiceOf((named.length ? named : decls).map((d) => pool.after(d.content, pool.empty)));
    }
    if (p === pool.notAllowed) {
      // Nothing to check it against: skip the element (state stays as before it).
      f.state = pool.after(pool.text, pool.empty);
      f.cont = undefined;
      f.lenientEnd = true;
      f.skip = true;
      return;
    }
    this.openWith(f, attributes, count, scope, p);
  }

  /** The start tag's attributes and `>` from the start-tag derivative `p`. */
  private openWith(f: Frame, attributes: readonly XmlAttribute[], count: number, scope: Scope, p: Pattern): void {
    const pool = this.schema.pool;
    let cont: Pattern | undefined;
    if (p.k === K.After) {
      cont = p.b!;
      p = p.a!;
    } else {
      const parts = this.detach(p);
      if (parts) {
        cont = parts[1];
        p = parts[0];
      }
    }
    f.cont = cont;
    f.lenientEnd = f.restore !== undefined;
    if (f.el !== undefined && this.hooks.afterStartTagOpen?.(f.el, this.attach(p, cont), scope)) {
      this.stopped = true;
      return;
    }
    for (let i = 0; i < count; i++) {
      const a = attributes[i];
      if (isNsDecl(a)) continue;
      const next = this.d.attribute(p, a.uri, a.local, a.value, scope);
      p = next !== pool.notAllowed ? next : this.badAttribute(f, a, p, scope);
    }
    let closed = this.d.startTagClose(p);
    if (closed === pool.notAllowed) closed = this.missingAttributes(f, p, scope);
    f.state = closed;
    this.stopAt(f, 0);
  }

  /** An attribute that `p` does not allow, or not with its value: said; the state to go on with. */
  private badAttribute(f: Frame, a: XmlAttribute, p: Pattern, scope: Scope): Pattern {
    const anyValue = this.d.attribute(p, a.uri, a.local, a.value, scope, true);
    if (anyValue === this.schema.pool.notAllowed) {
      const allowed = namesOf(allowedAttributes(p));
      const names = allowed.names.map((n) => scope.format(n)).filter((n) => n !== a.name).sort();
      const wild = allowed.anyName || allowed.nsNames.length > 0;
      const expected = names.length ? `expected attribute ${quoteList(names)}${wild ? ' or other attributes' : ''}` : 'no other attributes are allowed here';
      this.fault(a.span, `attribute "${a.name}" not allowed on element "${f.name}"; ${expected}`);
      return p;
    }
    this.fault(a.valueSpan, `value "${a.value}" of attribute "${a.name}" is invalid; ${this.mustBe(attributeContents(p, a.uri, a.local), a.value, scope)}`);
    return anyValue;
  }

  /** Required attributes missing at `>`: said; the state as if they were there. */
  private missingAttributes(f: Frame, p: Pattern, scope: Scope): Pattern {
    const missing = namesOf(missingAttributes(p)).names.map((n) => scope.format(n)).sort();
    const what = missing.length === 1 ? `attribute "${missing[0]}"` : missing.length ? `attributes ${quoteList(missing, 'or')}` : 'attributes';
    this.fault(nameSpan(f), `element "${f.name}" missing required ${what}`);
    return this.d.startTagClose(p, true);
  }

  /** Text (or its absence) that an element without child elements may not have: said, unless
   *  required elements are missing, which the end tag reports. Whether the end tag is then lenient. */
  private badText(f: Frame, s: string): boolean {
    const closed = f.state;
    const span = f.pieces > 0 ? trimSpan(this.doc, f.textStart, f.textEnd) : endSpan(f);
    const exp = expectedText(contentOf(closed));
    if (!isWhitespace(s) && !exp.values.length && !exp.data.length && !exp.list) {
      this.fault(span, `text "${clip(s.trim())}" not allowed here; expected ${this.expectedContent(this.attach(closed, f.cont), f.scope)}`);
    } else if (isWhitespace(s) && missingContent(contentOf(closed)).elements.length) {
      // Empty where elements are required: reported as incomplete at the end tag.
      return false;
    } else {
      this.fault(span, `character content ${isWhitespace(s) ? '' : `"${clip(s.trim())}" `}of element "${f.name}" is invalid; ${this.mustBe([contentOf(closed)], s, f.scope)}`);
    }
    return true;
  }

  private incomplete(f: Frame): void {
    const m = missingContent(contentOf(f.state));
    const names = namesOf(m.elements).names.map((n) => f.scope.format(n)).sort();
    let what: string;
    if (names.length === 1) what = `missing required element "${names[0]}"`;
    else if (names.length) what = `missing required element ${quoteList(names)}`;
    else if (m.text) what = `missing required text (${this.mustBe([contentOf(f.state)], '', f.scope)})`;
    else what = 'missing required content';
    this.fault(endSpan(f), `element "${f.name}" incomplete; ${what}`);
  }

  /** "the element end-tag or element "a", "b" or text" for a content state. */
  private expectedContent(state: Pattern, scope: Scope): string {
    const pool = this.schema.pool;
    const parts: string[] = [];
    if (this.d.endTag(state) !== pool.notAllowed) parts.push('the element end-tag');
    const els = namesOf(startableElements(state));
    const names = els.names.map((n) => scope.format(n)).sort();
    if (names.length) parts.push(`element ${quoteList(names)}`);
    if (els.anyName) parts.push('any element');
    for (const ns of els.nsNames) parts.push(`any element in namespace "${ns}"`);
    const t = expectedText(contentOf(state));
    if (t.anyText) parts.push('text');
    else if (t.values.length || t.data.length) parts.push('text');
    if (parts.length === 0) return 'nothing more';
    return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
  }

  /** "must be equal to "a" or "b"" / "must be a string matching ..." for value patterns. */
  private mustBe(contents: Pattern[], s: string, scope: Scope): string {
    const values = new Set<string>();
    const data: Array<[number, string]> = [];
    let list = false;
    // The contents in an order of their own, not the walk's (pattern ids depend on build order).
    const key = (t: ReturnType<typeof expectedText>) => `${t.data.join('\n')}\u0000${t.values.join('\n')}`;
    const texts = contents.map((c) => ({ c, t: expectedText(c) }));
    if (texts.length > 1) texts.sort((x, y) => (key(x.t) < key(y.t) ? -1 : key(x.t) > key(y.t) ? 1 : 0));
    for (const { c, t } of texts) {
      t.values.forEach((v) => values.add(v));
      t.data.forEach((d, i) => data.push([t.dataOrd[i], d]));
      list ||= t.list;
      // A single datatype with a precise reason says more than a description.
      if (t.data.length === 1 && !t.values.length) {
        const data = findData(c);
        const reason = data?.dt!.check(s, scope);
        if (reason) return reason;
        if (data?.a) {
          // Allowed by the datatype but listed in its <except>.
          const ex = expectedText(data.a);
          return `must not be ${[...ex.values.map((v) => `"${v}"`), ...ex.data].join(' or ')}`;
        }
      }
    }
    const parts: string[] = [];
    if (values.size) parts.push(`must be equal to ${quoteList([...values].sort())}`);
    // Datatypes in schema order, as Jing lists them.
    for (const d of new Set(data.sort((x, y) => x[0] - y[0]).map((x) => x[1]))) parts.push(`must be ${d}`);
    if (list && !parts.length) parts.push('must be a list of valid tokens');
    return parts.join(' or ') || 'must be empty';
  }
}

function findData(p: Pattern): Pattern | undefined {
  const stack = [p];
  const seen = new Set<number>();
  while (stack.length) {
    const q = stack.pop()!;
    if (seen.has(q.id)) continue;
    seen.add(q.id);
    if (q.k === K.Data) return q;
    if (q.k === K.Choice) stack.push(...q.alts!);
    else if (q.a && q.k !== K.Element && q.k !== K.Attribute) stack.push(q.a);
  }
  return undefined;
}

/** The content part of an element state: After(content, rest) → content. */
function contentOf(p: Pattern): Pattern {
  if (p.k === K.After) return p.a!;
  if (p.k === K.Choice) {
    const inner = p.alts!.map(contentOf);
    return inner.length === 1 ? inner[0] : { ...p, alts: inner, id: -1 } as Pattern;
  }
  return p;
}

function clip(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** The text between start and end, without its surrounding whitespace. */
function trimSpan(text: string, start: number, end: number): Span {
  let s = start;
  let e = end;
  while (s < e && isWhitespace(text[s])) s++;
  while (e > s && isWhitespace(text[e - 1])) e--;
  return s < e ? { start: s, end: e } : { start, end };
}

/** The element's name. */
function nameSpan(f: Frame): Span {
  return { start: f.o0 + 1, end: f.o2 };
}

/** The end tag, or the start tag when there is none (self-closing, or never closed). */
function endSpan(f: Frame): Span {
  return f.o3 >= 0 ? { start: f.o3, end: f.o4 } : { start: f.o0, end: f.o1 };
}
