// Walks a parsed document through the derivative algorithm, iteratively (no recursion on the
// document's depth), reporting each fault at the offending element, attribute or text and then
// recovering so the siblings are still checked. Hooks let expectAt.ts stop at a position.
import type { XmlAttribute, XmlDocument, XmlElement, XmlNode, XmlText, Span } from '../xml/parse';
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
  static of(el: XmlElement, parent: Scope): Scope {
    let map: Map<string, string> | undefined;
    const attributes = el.attributes;
    for (let i = 0; i < attributes.length; i++) {
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

interface Frame {
  el: XmlElement;
  scope: Scope;
  state: Pattern;
  /**
   * Detached (the common case): `state` is the element's content alone and `cont` the parent's
   * state once the element ends. The content states are then the same wherever the element
   * stands, so their derivatives are shared by every context instead of being derived again
   * under each parent state (After(content, rest) differs with each rest). Undefined when the
   * possible contents and rests do not separate: `state` is then After(content, rest) as in
   * Clark's algorithm, and the end tag derives the rest from it.
   */
  cont: Pattern | undefined;
  index: number;
  /** Where the parent's state goes back to when this element was itself in error. */
  restore?: Pattern;
  /** The content had a text error: do not also call it incomplete. */
  lenientEnd: boolean;
  textOnly: boolean;
}

export function quoteList(items: string[], conj = 'or'): string {
  const q = items.map((s) => `"${s}"`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} ${conj} ${q[q.length - 1]}`;
}

export class Walker {
  readonly faults: Fault[] = [];
  private readonly d;
  private text = '';

  constructor(readonly schema: RngSchema, private readonly hooks: WalkHooks = {}, private readonly maxFaults = 1000) {
    this.d = schema.deriver;
  }

  private fault(span: Span, message: string): void {
    if (this.faults.length < this.maxFaults) this.faults.push({ span, message });
  }

  /** Validates the whole document; returns false if a hook stopped the walk. */
  run(doc: Pick<XmlDocument, 'root' | 'text'>): boolean {
    this.text = doc.text;
    const root = doc.root;
    if (!root) return true;
    const pool = this.schema.pool;
    const hooks = this.hooks;
    const stack: Frame[] = [];
    let el: XmlElement | undefined = root;
    for (;;) {
      if (el) {
        const frame = this.open(el, stack[stack.length - 1]);
        if (!frame) return false;
        stack.push(frame);
        el = undefined;
      }
      const f = stack[stack.length - 1];
      if (!f) break;
      // Next child of f.
      if (hooks.beforeChild?.(f.el, f.index, this.view(f), f.scope)) return false;
      const children = f.el.children;
      if (f.textOnly) f.index = children.length;
      let child = children[f.index];
      while (child && child.kind === 'text') {
        // Adjacent text pieces (split by comments, CDATA) form one text.
        let end = f.index;
        let s = '';
        while (end < children.length && children[end].kind === 'text') s += (children[end++] as { value: string }).value;
        const first = f.index;
        f.index = end;
        if (!isWhitespace(s)) {
          const next = this.d.text(f.state, s, f.scope);
          if (next === pool.notAllowed) {
            const span = trimSpan(this.text, children[first].span.start, children[end - 1].span.end);
            this.fault(span, `text "${clip(s.trim())}" not allowed here; expected ${this.expectedContent(this.view(f), f.scope)}`);
          } else f.state = next;
        }
        if (hooks.beforeChild?.(f.el, f.index, this.view(f), f.scope)) return false;
        child = children[f.index];
      }
      if (child) {
        f.index++;
        el = child as XmlElement;
        continue;
      }
      // End tag.
      stack.pop();
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
      const parent = stack[stack.length - 1];
      if (!parent) break;
      parent.state = f.restore ?? after;
    }
    return true;
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
    // Memoized on the (interned) pattern: the choices come back with every such element.
    if (p.det !== undefined) return p.det ?? undefined;
    const alts = p.alts!;
    const a = alts[0].a!;
    const b = alts[0].b!;
    let sameA = true;
    let sameB = true;
    for (let i = 0; i < alts.length; i++) {
      const q = alts[i];
      if (q.k !== K.After) {
        p.det = null;
        return undefined;
      }
      if (q.a !== a) sameA = false;
      if (q.b !== b) sameB = false;
    }
    const pool = this.schema.pool;
    p.det = sameA ? [a, pool.choiceOf(alts.map((q) => q.b!))] : sameB ? [pool.choiceOf(alts.map((q) => q.a!)), b] : null;
    return p.det ?? undefined;
  }

  // The start of an element is the hottest code of a validation: its common path is kept small,
  // and every fault is said by a function of its own. V8 compiles a function with the functions
  // it calls inlined; fault paths kept in it made each compile of `open` large, and it was
  // compiled again each time a fault path first ran.
  private open(el: XmlElement, parent: Frame | undefined): Frame | undefined {
    const state = parent ? parent.state : this.schema.start;
    const scope = Scope.of(el, parent ? parent.scope : TOP);
    const p = this.d.startTagOpen(state, el.uri, el.local);
    if (p === this.schema.pool.notAllowed) return this.openUnexpected(el, parent, state, scope);
    return this.openWith(el, scope, p, undefined);
  }

  /** An element that `state` does not allow there: said, then checked inside as well as can be. */
  private openUnexpected(el: XmlElement, parent: Frame | undefined, state: Pattern, scope: Scope): Frame | undefined {
    const pool = this.schema.pool;
    let restore: Pattern | undefined;
    const decls = this.schema.declsFor(el.uri, el.local);
    const view = parent ? this.view(parent) : state;
    // Perhaps required content before it is missing: check it where it would fit.
    let p = this.d.startTagOpenRecover(state, el.uri, el.local);
    if (p !== pool.notAllowed) {
      const missing = this.d.endTag(view) === pool.notAllowed ? namesOf(missingContent(contentOf(view)).elements).names : [];
      const expected = missing.length ? `missing required element ${quoteList(missing.map((n) => scope.format(n)).sort())}` : `expected ${this.expectedContent(view, scope)}`;
      this.fault(el.nameSpan, `element "${el.name}" not allowed yet; ${expected}`);
    } else {
      const where = !decls.some((d) => isFinite(d.nc)) ? 'anywhere' : el.parent ? `in element "${el.parent.name}"` : 'as the root element';
      this.fault(el.nameSpan, `element "${el.name}" not allowed ${where}; expected ${this.expectedContent(view, scope)}`);
    }
    if (p === pool.notAllowed) {
      // Else keep checking inside with the declarations of elements of that name, if any.
      restore = state;
      // Declarations that name the element say more than wildcards (anyName) do.
      const named = decls.filter((d) => isFinite(d.nc));
      p = pool.choiceOf((named.length ? named : decls).map((d) => pool.after(d.content, pool.empty)));
    }
    if (p === pool.notAllowed) {
      // Nothing to check it against: skip the element (state stays as before it).
      return { el, scope, state: pool.after(pool.text, pool.empty), cont: undefined, index: el.children.length, restore, lenientEnd: true, textOnly: true };
    }
    return this.openWith(el, scope, p, restore);
  }

  /** The start tag's attributes and `>` from the start-tag derivative `p`, and the text of an element without child elements. */
  private openWith(el: XmlElement, scope: Scope, p: Pattern, restore: Pattern | undefined): Frame | undefined {
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
    if (this.hooks.afterStartTagOpen?.(el, this.attach(p, cont), scope)) return undefined;
    const attributes = el.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes[i];
      if (isNsDecl(a)) continue;
      const next = this.d.attribute(p, a.uri, a.local, a.value, scope);
      p = next !== pool.notAllowed ? next : this.badAttribute(el, a, p, scope);
    }
    let closed = this.d.startTagClose(p);
    if (closed === pool.notAllowed) closed = this.missingAttributes(el, p, scope);
    let hasElements = false;
    const children = el.children;
    for (let i = 0; i < children.length; i++) {
      if (children[i].kind === 'element') {
        hasElements = true;
        break;
      }
    }
    let lenientEnd = restore !== undefined;
    if (!hasElements) {
      // Element with text only (or nothing): the whole text is one value.
      const s = textOf(children);
      if (this.hooks.beforeChild?.(el, 0, this.attach(closed, cont), scope)) return undefined;
      const next = this.d.elementText(closed, s, scope);
      if (next === pool.notAllowed && closed !== pool.notAllowed) lenientEnd = this.badText(el, s, closed, cont, scope) || lenientEnd;
      else closed = next;
    }
    return { el, scope, state: closed, cont, index: hasElements ? 0 : children.length, restore, lenientEnd, textOnly: !hasElements };
  }

  /** An attribute that `p` does not allow, or not with its value: said; the state to go on with. */
  private badAttribute(el: XmlElement, a: XmlAttribute, p: Pattern, scope: Scope): Pattern {
    const anyValue = this.d.attribute(p, a.uri, a.local, a.value, scope, true);
    if (anyValue === this.schema.pool.notAllowed) {
      const allowed = namesOf(allowedAttributes(p));
      const names = allowed.names.map((n) => scope.format(n)).filter((n) => n !== a.name).sort();
      const wild = allowed.anyName || allowed.nsNames.length > 0;
      const expected = names.length ? `expected attribute ${quoteList(names)}${wild ? ' or other attributes' : ''}` : 'no other attributes are allowed here';
      this.fault(a.span, `attribute "${a.name}" not allowed on element "${el.name}"; ${expected}`);
      return p;
    }
    this.fault(a.valueSpan, `value "${a.value}" of attribute "${a.name}" is invalid; ${this.mustBe(attributeContents(p, a.uri, a.local), a.value, scope)}`);
    return anyValue;
  }

  /** Required attributes missing at `>`: said; the state as if they were there. */
  private missingAttributes(el: XmlElement, p: Pattern, scope: Scope): Pattern {
    const missing = namesOf(missingAttributes(p)).names.map((n) => scope.format(n)).sort();
    const what = missing.length === 1 ? `attribute "${missing[0]}"` : missing.length ? `attributes ${quoteList(missing, 'or')}` : 'attributes';
    this.fault(el.nameSpan, `element "${el.name}" missing required ${what}`);
    return this.d.startTagClose(p, true);
  }

  /** Text (or its absence) that an element without child elements may not have: said, unless
   *  required elements are missing, which the end tag reports. Whether the end tag is then lenient. */
  private badText(el: XmlElement, s: string, closed: Pattern, cont: Pattern | undefined, scope: Scope): boolean {
    const children = el.children;
    const span = children.length ? trimSpan(this.text, children[0].span.start, children[children.length - 1].span.end) : endSpan(el);
    const exp = expectedText(contentOf(closed));
    if (!isWhitespace(s) && !exp.values.length && !exp.data.length && !exp.list) {
      this.fault(span, `text "${clip(s.trim())}" not allowed here; expected ${this.expectedContent(this.attach(closed, cont), scope)}`);
    } else if (isWhitespace(s) && missingContent(contentOf(closed)).elements.length) {
      // Empty where elements are required: reported as incomplete at the end tag.
      return false;
    } else {
      this.fault(span, `character content ${isWhitespace(s) ? '' : `"${clip(s.trim())}" `}of element "${el.name}" is invalid; ${this.mustBe([contentOf(closed)], s, scope)}`);
    }
    return true;
  }

  private incomplete(f: Frame): void {
    const el = f.el;
    const m = missingContent(contentOf(f.state));
    const names = namesOf(m.elements).names.map((n) => f.scope.format(n)).sort();
    let what: string;
    if (names.length === 1) what = `missing required element "${names[0]}"`;
    else if (names.length) what = `missing required element ${quoteList(names)}`;
    else if (m.text) what = `missing required text (${this.mustBe([contentOf(f.state)], '', f.scope)})`;
    else what = 'missing required content';
    this.fault(endSpan(el), `element "${el.name}" incomplete; ${what}`);
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

/** The text of an element without child elements (usually one piece, taken as it is). */
function textOf(children: readonly XmlNode[]): string {
  if (children.length === 1) return (children[0] as XmlText).value;
  let s = '';
  for (let i = 0; i < children.length; i++) s += (children[i] as XmlText).value;
  return s;
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

function endSpan(el: XmlElement): Span {
  return el.endTag ?? el.startTag;
}

