// Strict, position-aware XML reading for diagnostics: a single pass over the text that checks
// XML 1.0 well-formedness and namespaces and records exact 0-based offsets for every element,
// attribute and text node. General entities of the internal subset are expanded, within limits
// (entities.ts), when they hold text; entities holding markup and external ones are refused with
// a clear error. Differential tests hold it to saxes' verdicts (test/unit/xml).
import { LineIndex } from '../common/text';
import { diagnostic, type Diagnostic } from '../common/diagnostic';
import { XmlSyntaxError } from './xmlErrors';
import * as nodes from './nodes';
import * as entities from './entities';
import * as namespaces from './namespaces';
import * as scanner from './scanner';

// Bound once here: where modules are transpiled to CommonJS (tsx, tests, benches), each use of
// an imported name is a getter call, which is far too slow in the inner loops.
const { decodeAttribute, decodeText, newEntityTable } = entities;
type EntityTable = entities.EntityTable;
const { AttributeNode, ElementNode, TextNode } = nodes;
type AttributeNode = nodes.AttributeNode;
type ElementNode = nodes.ElementNode;
const { NamespaceScope, XMLNS_NAMESPACE, bindingError, qnameColon } = namespaces;
const { AMP, BANG, CR, DQUOTE, EQ, GT, LBRACKET, LF, LT, PERCENT, QUESTION, RBRACKET, SEMICOLON, SLASH, SQUOTE, TAB } = scanner;
const { describeChar, firstIllegalChar, isSpace, scanName, skipSpace } = scanner;

export interface Span {
  start: number;
  end: number;
}

export interface XmlAttribute {
  /** Qualified name as written (`xlink:href`). */
  name: string;
  local: string;
  prefix: string;
  /** Namespace URI ('' for none; unprefixed attributes have none). */
  uri: string;
  value: string;
  /** From the name to the closing quote. */
  span: Span;
  nameSpan: Span;
  /** Inside the quotes. */
  valueSpan: Span;
}

export interface XmlText {
  kind: 'text';
  /** The text after entity expansion; CDATA sections are included as text. */
  value: string;
  span: Span;
  parent: XmlElement;
}

export interface XmlElement {
  kind: 'element';
  name: string;
  local: string;
  prefix: string;
  uri: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  parent: XmlElement | undefined;
  /** `<` of the start tag to `>` of the end tag (or of the self-closing tag). */
  span: Span;
  startTag: Span;
  nameSpan: Span;
  /** Missing when the element is self-closing or was never closed. */
  endTag?: Span;
  selfClosing: boolean;
  /** False when the document ended (or broke) before the element was closed. */
  closed: boolean;
}

export type XmlNode = XmlElement | XmlText;

export interface XmlDocument {
  text: string;
  lines: LineIndex;
  /** The root element, possibly partial when the document is malformed. */
  root: XmlElement | undefined;
  /** The first well-formedness error (XML stops at the first fatal error), if any. */
  error?: { message: string; span: Span };
}

export interface ParseOptions {
  /** Refuse documents nested deeper than this (default: no limit; parsing and validation are iterative). */
  maxDepth?: number;
  /** False: parse afresh and keep nothing (one-off documents, e.g. `vmctx rng` over many files). */
  cache?: boolean;
}

// No limit by default: a well-formed document is never called malformed (depth costs memory in
// proportion to the text, like any other element).
const DEFAULT_MAX_DEPTH = Infinity;

// The same text is parsed by the project loader, the validators, hover, links and outline;
// a small cache keyed by the text itself makes that one parse. Documents are never mutated.
// Entries: more than a fleet's templates (load, the check and the deploy read each one in
// turn; an LRU smaller than the fleet misses every time); the character bound holds the memory.
const cache = new Map<string, XmlDocument>();
const CACHE_MAX_CHARS = 32 * 1024 * 1024;
const CACHE_MAX_ENTRIES = 16384;
let cachedChars = 0;

/** Parses `text` (cached by content: callers must treat the result as read-only). */
export function parseXml(text: string, options: ParseOptions = {}): XmlDocument {
  if (options.maxDepth !== undefined || options.cache === false) return parseXmlUncached(text, options);
  const hit = cache.get(text);
  if (hit) {
    cache.delete(text); // most recently used goes last
    cache.set(text, hit);
    return hit;
  }
  const doc = parseXmlUncached(text, options);
  if (text.length <= CACHE_MAX_CHARS / 4) {
    cache.set(text, doc);
    cachedChars += text.length;
    for (const [k] of cache) {
      if (cachedChars <= CACHE_MAX_CHARS && cache.size <= CACHE_MAX_ENTRIES) break;
      cache.delete(k);
      cachedChars -= k.length;
    }
  }
  return doc;
}

function parseXmlUncached(text: string, options: ParseOptions): XmlDocument {
  let lines: LineIndex | undefined;
  const lineIndex = () => (lines ??= new LineIndex(text));
  const tree = new TreeBuilder(text.length);
  let error: XmlDocument['error'];
  try {
    error = scanXml(text, tree, lineIndex, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  } finally {
    tree.finish();
  }
  return new ParsedXml(text, tree.root, error, lines);
}

/**
 * What the parser reports as it reads, in document order: the tree builder below is one
 * consumer, the RELAX NG validator's streaming path (`vmctx rng`) another, which keeps no tree.
 * Only well-formed parts are reported: a start tag once all of it (attributes, namespaces) is
 * read and checked, text once it is complete. After an error nothing more is reported.
 */
export interface XmlHandler {
  /** False when the handler reads the attributes given to startElement during the call only: the parser then reuses their objects. */
  readonly keepsAttributes: boolean;
  /** A start tag (one object, refilled for each tag: read it during the call only). */
  startElement(tag: StartTag): void;
  /** Character data or a CDATA section inside the root element (entities expanded), from `start` to `end`. */
  text(value: string, start: number, end: number): void;
  /** The end of the innermost open element: its end tag's `<` and end, or (-1, tag end) for a self-closing tag. */
  endElement(start: number, end: number): void;
}

/** A start tag as the parser reports it. */
export class StartTag {
  name = '';
  local = '';
  prefix = '';
  uri = '';
  /** `attributes[0..count)` are the tag's (a reused array). */
  attributes: readonly XmlAttribute[] = [];
  count = 0;
  /** Offsets: `<`, past the tag's `>`, past the name. */
  start = 0;
  tagEnd = 0;
  nameEnd = 0;
  selfClosing = false;

  /** Refilled (the parser's tags, and a tree's elements replayed by the validator). */
  set(name: string, local: string, prefix: string, uri: string, attributes: readonly XmlAttribute[], count: number, start: number, tagEnd: number, nameEnd: number, selfClosing: boolean): this {
    this.name = name;
    this.local = local;
    this.prefix = prefix;
    this.uri = uri;
    this.attributes = attributes;
    this.count = count;
    this.start = start;
    this.tagEnd = tagEnd;
    this.nameEnd = nameEnd;
    this.selfClosing = selfClosing;
    return this;
  }
}

/**
 * Reads `text` once, reporting it to `handler`; returns the first well-formedness error, if any.
 * Characters XML never allows (binary data, NUL, lone surrogates) end the document there:
 * everything before them is parsed, and unless that part has an error of its own, the
 * character is the error.
 */
export function scanXml(text: string, handler: XmlHandler, lineIndex: () => LineIndex, maxDepth = DEFAULT_MAX_DEPTH): XmlDocument['error'] {
  const bad = firstIllegalChar(text);
  const parser = new Parser(bad < 0 ? text : text.slice(0, bad), text, lineIndex, maxDepth, handler);
  let error: XmlDocument['error'];
  try {
    parser.parse();
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    if (bad < 0 || (!e.atEnd && e.start < bad)) error = { message: e.message, span: { start: e.start, end: e.end } };
  }
  if (!error && bad >= 0) {
    const what = describeChar(text, bad);
    error = { message: `character ${what} is not allowed in XML`, span: { start: bad, end: bad + 1 } };
  }
  return error;
}

/** Builds the tree from the parser's events. */
class TreeBuilder implements XmlHandler {
  readonly keepsAttributes = true;
  root: XmlElement | undefined;
  /** The open elements. */
  private readonly stack: ElementNode[] = [];
  /**
   * The children of each open element while it is open: reused arrays, copied to exactly sized
   * ones when the element ends (an array grown by push keeps room for 17 and more).
   */
  private readonly kids: XmlNode[][] = [];
  /** How many children each open element has so far (in kids[depth]; the arrays are never
   *  shortened: setting an array's length to 0 makes V8 drop its storage, to grow it again). */
  private readonly kidCount: number[] = [];

  constructor(private readonly docEnd: number) {}

  /** Gives the elements left open (by an error or the end of the input) their children. */
  finish(): void {
    const { stack, kids, kidCount } = this;
    for (let d = stack.length - 1; d >= 0; d--) stack[d].children = kids[d].slice(0, kidCount[d]);
  }

  /** Adds a child to the innermost open element. */
  private addKid(node: XmlNode): void {
    const depth = this.stack.length - 1;
    this.kids[depth][this.kidCount[depth]++] = node;
  }

  startElement(t: StartTag): void {
    const count = t.count;
    const attributes = count === 0 ? [] : t.attributes.slice(0, count);
    const parent = this.stack[this.stack.length - 1];
    const selfClosing = t.selfClosing;
    const el = new ElementNode(
      t.name,
      t.local,
      t.prefix,
      t.uri,
      attributes,
      selfClosing ? [] : PENDING,
      parent,
      t.start,
      t.tagEnd,
      t.nameEnd,
      selfClosing ? t.tagEnd : this.docEnd,
      selfClosing,
    );
    if (parent) this.addKid(el);
    else this.root = el;
    if (selfClosing) return; // complete as made
    this.stack.push(el);
    if (this.kids.length === this.stack.length - 1) {
      this.kids.push([]);
      this.kidCount.push(0);
    }
  }

  text(value: string, start: number, end: number): void {
    this.addKid(new TextNode(value, this.stack[this.stack.length - 1], start, end));
  }

  endElement(start: number, end: number): void {
    if (start < 0) return; // self-closing: never on the stack
    const stack = this.stack;
    const el = stack.pop()!;
    el.o3 = start;
    el.o4 = end;
    el.closed = true;
    const depth = stack.length;
    const count = this.kidCount[depth];
    el.children = count === 0 ? [] : this.kids[depth].slice(0, count);
    this.kidCount[depth] = 0;
  }
}

/** A parse's result. A class, not an object literal with a getter: V8 builds such a literal
 *  through the runtime each time, which cost `vmctx rng` some 10 µs per file. */
class ParsedXml implements XmlDocument {
  constructor(
    readonly text: string,
    readonly root: XmlElement | undefined,
    readonly error: XmlDocument['error'],
    /** Made by the parse when an error message needed a line; else on first use. */
    private lineIndex: LineIndex | undefined,
  ) {}

  /** Line starts are only needed for positions (diagnostics, editor features): computed on first use. */
  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }
}

const enum Where {
  BeforeRoot,
  InRoot,
  AfterRoot,
}

/** One pass over the text with charCodeAt and indexOf; the open elements are an explicit stack. */
class Parser {
  /** The open elements' names and the offsets of their `<`. */
  private readonly names: string[] = [];
  private readonly starts: number[] = [];
  /** The attributes of the start tag being read (reused: only `count` of them are the tag's). */
  private readonly attributes: AttributeNode[] = [];
  /** The start tag given to the handler (refilled for each tag). */
  private readonly tag = new StartTag();
  private readonly marks: number[] = [];
  private readonly ns = new NamespaceScope();
  private where = Where.BeforeRoot;
  private sawDoctype = false;
  /** General entities declared in the internal subset, if any. */
  private ents: EntityTable | undefined;

  constructor(
    /** The text up to the first illegal character, if any. */
    private readonly s: string,
    /** The whole text (elements never closed reach to its end). */
    private readonly whole: string,
    private readonly lines: () => LineIndex,
    private readonly maxDepth: number,
    private readonly h: XmlHandler,
  ) {
    this.docEnd = whole.length;
    this.reuse = !h.keepsAttributes;
  }

  /** The attributes' nodes are reused from tag to tag (the handler keeps none). */
  private readonly reuse: boolean;

  private readonly docEnd: number;

  parse(): void {
    const s = this.s;
    const n = s.length;
    let pos = s.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (s.startsWith('<?xml', pos) && (isSpace(s.charCodeAt(pos + 5)) || s.charCodeAt(pos + 5) === QUESTION)) {
      pos = this.xmlDeclaration(pos);
    }
    while (pos < n) {
      const lt = s.indexOf('<', pos);
      const stop = lt < 0 ? n : lt;
      if (stop > pos) this.charData(pos, stop, lt >= 0);
      if (lt < 0) break;
      const c = s.charCodeAt(lt + 1);
      if (c === SLASH) pos = this.endTag(lt);
      else if (c === BANG) pos = this.bang(lt);
      else if (c === QUESTION) pos = this.processingInstruction(lt);
      else pos = this.startTag(lt);
    }
    const open = this.names[this.names.length - 1];
    if (open !== undefined) this.failAtEnd(`element <${open}> is never closed: add </${open}>`);
    if (this.where === Where.BeforeRoot) this.failAtEnd('the document has no root element');
  }

  // ---- errors

  private fail(message: string, start: number, end = start + 1): never {
    throw new XmlSyntaxError(message, start, Math.max(end, start + 1));
  }

  /** The text ended too early: the error is shown on the last character that is not blank. */
  private failAtEnd(message: string): never {
    const t = this.whole;
    let e = this.docEnd;
    while (e > 0 && isSpace(t.charCodeAt(e - 1))) e--;
    throw new XmlSyntaxError(message, Math.max(0, e - 1), e, true);
  }

  /** Fails at the end of the input when `i` is past it, else with `message` at `i`. */
  private failAt(i: number, message: string, what: string): never {
    if (i >= this.s.length) this.failAtEnd(`the document ends inside ${what}`);
    this.fail(message, i);
  }

  // ---- character data

  private charData(start: number, end: number, complete: boolean): void {
    const s = this.s;
    if (this.names.length === 0) {
      const i = skipSpace(s, start, end);
      if (i < end) {
        this.fail(
          this.where === Where.AfterRoot ? 'text after the root element: only comments and whitespace may follow it' : 'text before the root element',
          i,
        );
      }
      return;
    }
    let plain = true;
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === AMP || c === CR) plain = false;
      else if (c === RBRACKET && s.charCodeAt(i + 1) === RBRACKET && s.charCodeAt(i + 2) === GT) {
        this.fail(`']]>' is not allowed in text: write ]]&gt;`, i, i + 3);
      }
    }
    const value = plain ? slice(s, start, end) : decodeText(s, start, end, this.ents);
    // Text running into the end of the input is not kept (the element is unfinished anyway).
    if (complete) this.h.text(value, start, end);
  }

  // ---- tags

  // A start tag is read by three functions: the tag and its name (startTag), each attribute
  // (attribute), and the namespace declarations and prefixed attributes (namespaces), which most
  // tags have none of. V8 compiles and recompiles each on its own: the first namespace
  // declaration or entity in a value, deep into a run, recompiles a small function, not all of it.
  private startTag(lt: number): number {
    const s = this.s;
    const n = s.length;
    const nameStart = lt + 1;
    const nameEnd = scanName(s, nameStart, n);
    if (nameEnd === nameStart) this.failAt(nameStart, `'<' must start a tag name: write &lt; for a literal <`, 'a tag');
    const name = slice(s, nameStart, nameEnd);
    if (this.where === Where.AfterRoot) {
      this.fail(`only one root element is allowed: <${name}> comes after the root element ended`, nameStart, nameEnd);
    }
    let count = 0;
    let selfClosing = false;
    let i = nameEnd;
    for (;;) {
      const before = i;
      i = skipSpace(s, i, n);
      if (i >= n) this.failAtEnd(`the start tag <${name}> is not finished: add >`);
      const c = s.charCodeAt(i);
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        if (s.charCodeAt(i + 1) === GT) {
          i += 2;
          selfClosing = true;
          break;
        }
        this.failAt(i + 1, `'/' in a start tag must be followed by '>'`, `the start tag <${name}>`);
      }
      if (i === before && scanName(s, i, n) > i) this.fail(`attributes must be separated by whitespace`, i, scanName(s, i, n));
      i = this.attribute(i, name, count++);
    }
    const attributes = this.attributes;
    let special = false;
    for (let x = 0; x < count; x++) if (attributes[x].prefix !== '' || attributes[x].name === 'xmlns') special = true;

    // Namespaces: the declarations on this tag are in scope for its own name and attributes.
    const ns = this.ns;
    const mark = ns.mark;
    if (special) this.declareNamespaces(attributes, count);
    const colon = qnameColon(name);
    if (colon === -2) this.fail(`<${name}> is not a valid qualified name (prefix:local)`, nameStart, nameEnd);
    const prefix = colon > 0 ? intern(name.slice(0, colon)) : '';
    const local = colon > 0 ? intern(name.slice(colon + 1)) : name;
    const uri = ns.resolve(prefix);
    if (prefix === 'xmlns') this.fail(`an element name may not have the prefix xmlns`, nameStart, nameEnd);
    if (uri === undefined) this.fail(unboundMessage(prefix), nameStart, nameStart + prefix.length);
    if (special) this.attributeNamespaces(attributes, count);

    const names = this.names;
    this.h.startElement(this.tag.set(name, local, prefix, uri, attributes, count, lt, i, nameEnd, selfClosing));
    this.where = Where.InRoot;
    if (selfClosing) {
      this.h.endElement(-1, i);
      ns.popTo(mark);
      if (names.length === 0) this.where = Where.AfterRoot;
    } else {
      if (names.length >= this.maxDepth) this.fail(`elements nested deeper than ${this.maxDepth} levels`, nameStart, nameEnd);
      names.push(name);
      this.starts.push(lt);
      this.marks.push(mark);
    }
    return i;
  }

  /** The attribute starting at `i` in the start tag <name>, as the tag's attribute number
   *  `count` (in this.attributes); returns the index past its closing quote. */
  private attribute(i: number, name: string, count: number): number {
    const s = this.s;
    const n = s.length;
    const reused = this.attributes;
    const an = scanName(s, i, n);
    if (an === i) this.fail(`unexpected character '${s[i]}' in the start tag <${name}>`, i);
    const aname = slice(s, i, an);
    let j = skipSpace(s, an, n);
    if (s.charCodeAt(j) !== EQ) this.failAt(j, `attribute ${aname} has no value: write ${aname}="..."`, `the start tag <${name}>`);
    j = skipSpace(s, j + 1, n);
    const q = s.charCodeAt(j);
    if (q !== DQUOTE && q !== SQUOTE) this.failAt(j, `the value of attribute ${aname} must be in quotes`, `the start tag <${name}>`);
    const vs = j + 1;
    let ve = s.indexOf(q === DQUOTE ? '"' : "'", vs);
    const found = ve >= 0;
    if (!found) ve = n;
    let plain = true;
    for (let k = vs; k < ve; k++) {
      const c = s.charCodeAt(k);
      if (c <= LT) {
        if (c === LT) this.fail(`'<' is not allowed in an attribute value: write &lt;`, k);
        if (c === AMP || c === TAB || c === LF || c === CR) plain = false;
      }
    }
    if (!found) this.failAtEnd(`the value of attribute ${aname} is not closed: add ${s[j]}`);
    for (let k = 0; k < count; k++) {
      if (reused[k].name === aname) this.fail(`duplicate attribute ${aname}`, i, an);
    }
    const value = plain ? slice(s, vs, ve) : decodeAttribute(s, vs, ve, this.ents);
    const colon = qnameColon(aname);
    if (colon === -2) this.fail(`${aname} is not a valid qualified name (prefix:local)`, i, an);
    let prefix = '';
    let local = aname;
    if (colon > 0) {
      prefix = intern(aname.slice(0, colon));
      local = intern(aname.slice(colon + 1));
    }
    const old = this.reuse ? reused[count] : undefined;
    reused[count] = old !== undefined ? old.reuse(aname, local, prefix, value, i, an, vs, ve, '') : new AttributeNode(aname, local, prefix, value, i, an, vs, ve, '');
    return ve + 1;
  }

  /** Binds the namespace declarations (xmlns, xmlns:p) among a start tag's attributes. */
  private declareNamespaces(attributes: AttributeNode[], count: number): void {
    for (let x = 0; x < count; x++) {
      const a = attributes[x];
      const p = a.name === 'xmlns' ? '' : a.prefix === 'xmlns' ? a.local : undefined;
      if (p === undefined) continue;
      const problem = bindingError(p, a.value);
      if (problem) this.fail(problem, a.o0, a.o3 + 1);
      this.ns.bind(p, a.value);
    }
  }

  /** Gives prefixed attributes (and xmlns) their namespace, and refuses two names for one attribute. */
  private attributeNamespaces(attributes: AttributeNode[], count: number): void {
    let prefixed = 0;
    for (let x = 0; x < count; x++) {
      const a = attributes[x];
      if (a.prefix === '') {
        if (a.name === 'xmlns') attributes[x] = this.reuse ? a.reuse(a.name, a.local, a.prefix, a.value, a.o0, a.o1, a.o2, a.o3, XMLNS_NAMESPACE) : a.withUri(XMLNS_NAMESPACE);
        continue;
      }
      prefixed++;
      const u = this.ns.resolve(a.prefix);
      if (u === undefined) this.fail(unboundMessage(a.prefix), a.o0, a.o0 + a.prefix.length);
      attributes[x] = this.reuse ? a.reuse(a.name, a.local, a.prefix, a.value, a.o0, a.o1, a.o2, a.o3, u) : a.withUri(u);
    }
    if (prefixed < 2) return;
    for (let x = 0; x < count; x++) {
      const a = attributes[x];
      if (a.prefix === '') continue;
      for (let y = 0; y < x; y++) {
        const b = attributes[y];
        if (b.prefix !== '' && b.local === a.local && b.uri === a.uri) {
          this.fail(`duplicate attribute: ${a.name} and ${b.name} are the same attribute {${a.uri}}${a.local}`, a.o0, a.o1);
        }
      }
    }
  }

  private endTag(lt: number): number {
    const s = this.s;
    const n = s.length;
    const nameStart = lt + 2;
    const nameEnd = scanName(s, nameStart, n);
    if (nameEnd === nameStart) this.failAt(nameStart, `a closing tag must be </name>`, 'a closing tag');
    const j = skipSpace(s, nameEnd, n);
    if (s.charCodeAt(j) !== GT) this.failAt(j, `unexpected character '${s[j]}' in a closing tag: it must be </name>`, 'a closing tag');
    const end = j + 1;
    const names = this.names;
    const open = names[names.length - 1];
    // Compared in place: a string for the name only when it is wrong.
    if (open === undefined || nameEnd - nameStart !== open.length || !s.startsWith(open, nameStart)) this.endTagMismatch(nameStart, nameEnd);
    this.h.endElement(lt, end);
    names.pop();
    this.starts.pop();
    this.ns.popTo(this.marks.pop()!);
    if (names.length === 0) this.where = Where.AfterRoot;
    return end;
  }

  /** A closing tag with no open element, or another element's. */
  private endTagMismatch(nameStart: number, nameEnd: number): never {
    const written = this.s.slice(nameStart, nameEnd);
    const depth = this.names.length - 1;
    if (depth < 0) this.fail(`closing tag </${written}> has no open element`, nameStart, nameEnd);
    const name = this.names[depth];
    const line = this.lines().positionAt(this.starts[depth]).line + 1;
    this.fail(`closing tag </${written}> does not match the open element <${name}> (line ${line}): add </${name}> before it`, nameStart, nameEnd);
  }

  // ---- comments, CDATA, DOCTYPE, processing instructions

  private bang(lt: number): number {
    const s = this.s;
    if (s.startsWith('<!--', lt)) return this.comment(lt);
    if (s.startsWith('<![CDATA[', lt)) {
      if (this.names.length === 0) this.fail('a CDATA section is only allowed inside the root element', lt, lt + 9);
      const close = s.indexOf(']]>', lt + 9);
      if (close < 0) this.failAtEnd('the CDATA section is not closed: add ]]>');
      const value = normalizeLineEnds(s, lt + 9, close);
      this.h.text(value, lt, close + 3);
      return close + 3;
    }
    if (s.startsWith('<!DOCTYPE', lt)) {
      if (this.where !== Where.BeforeRoot || this.sawDoctype) this.fail('a DOCTYPE may only come once, before the root element', lt, lt + 9);
      this.sawDoctype = true;
      return this.doctype(lt);
    }
    if (isPrefixAtEnd(s, lt, '<!--') || isPrefixAtEnd(s, lt, '<![CDATA[') || isPrefixAtEnd(s, lt, '<!DOCTYPE')) this.failAtEnd('the document ends inside markup');
    return this.fail(`'<!' must start a comment <!-- -->, a CDATA section or a DOCTYPE`, lt, lt + 2);
  }

  private comment(lt: number): number {
    const s = this.s;
    const dashes = s.indexOf('--', lt + 4);
    if (dashes < 0) this.failAtEnd('the comment is not closed: add -->');
    if (s.charCodeAt(dashes + 2) !== GT) {
      if (dashes + 2 >= s.length) this.failAtEnd('the comment is not closed: add -->');
      this.fail(`'--' is not allowed inside a comment`, dashes, dashes + 2);
    }
    return dashes + 3;
  }

  private processingInstruction(lt: number): number {
    const s = this.s;
    const n = s.length;
    const ts = lt + 2;
    const te = scanName(s, ts, n);
    if (te === ts) this.failAt(ts, 'a processing instruction must start with a target name: <?target ...?>', 'a processing instruction');
    const target = s.slice(ts, te);
    if (target === 'xml') this.fail('the XML declaration <?xml ...?> is only allowed at the very start of the document', lt, te);
    if (target.toLowerCase() === 'xml') this.fail(`the processing instruction target ${target} is reserved`, ts, te);
    const c = s.charCodeAt(te);
    if (c === QUESTION && s.charCodeAt(te + 1) === GT) return te + 2;
    if (!isSpace(c)) this.failAt(te, `the target of a processing instruction must be followed by whitespace or ?>`, 'a processing instruction');
    const close = s.indexOf('?>', te);
    if (close < 0) this.failAtEnd('the processing instruction is not closed: add ?>');
    return close + 2;
  }

  /** XMLDecl ::= '<?xml' VersionInfo EncodingDecl? SDDecl? S? '?>' */
  private xmlDeclaration(lt: number): number {
    const s = this.s;
    const n = s.length;
    const names = ['version', 'encoding', 'standalone'];
    let next = 0;
    let i = lt + 5;
    for (;;) {
      const before = i;
      i = skipSpace(s, i, n);
      if (s.startsWith('?>', i)) break;
      if (i >= n) this.failAtEnd('the XML declaration is not closed: add ?>');
      if (i === before) this.fail('whitespace is needed between the parts of the XML declaration', i);
      const ne = scanName(s, i, n);
      const name = s.slice(i, ne);
      let k = next;
      while (k < names.length && names[k] !== name) k++;
      if (k === names.length || (next === 0 && k !== 0)) {
        this.fail(next === 0 ? 'the XML declaration must start with version="1.0"' : `unexpected ${name || `'${s[i] ?? ''}'`} in the XML declaration`, i, Math.max(ne, i + 1));
      }
      next = k + 1;
      let j = skipSpace(s, ne, n);
      if (s.charCodeAt(j) !== EQ) this.failAt(j, `${name} in the XML declaration needs a value: ${name}="..."`, 'the XML declaration');
      j = skipSpace(s, j + 1, n);
      const q = s.charCodeAt(j);
      if (q !== DQUOTE && q !== SQUOTE) this.failAt(j, `the value of ${name} must be in quotes`, 'the XML declaration');
      const close = s.indexOf(q === DQUOTE ? '"' : "'", j + 1);
      if (close < 0) this.failAtEnd('the XML declaration is not closed');
      const value = s.slice(j + 1, close);
      const ok = k === 0 ? /^1\.[0-9]+$/.test(value) : k === 1 ? /^[A-Za-z][A-Za-z0-9._-]*$/.test(value) : value === 'yes' || value === 'no';
      if (!ok) this.fail(`${name}="${value}" is not a valid value in the XML declaration`, j + 1, close);
      i = close + 1;
    }
    if (next === 0) this.fail('the XML declaration must contain version="1.0"', lt, lt + 5);
    return i + 2;
  }

  /** doctypedecl ::= '<!DOCTYPE' S Name (S ExternalID)? S? ('[' intSubset ']' S?)? '>': general entities recorded, the rest skipped. */
  private doctype(lt: number): number {
    const s = this.s;
    const n = s.length;
    const what = 'the DOCTYPE';
    let i = lt + 9;
    if (!isSpace(s.charCodeAt(i))) this.failAt(i, 'whitespace is needed after <!DOCTYPE', what);
    i = skipSpace(s, i, n);
    const ne = scanName(s, i, n);
    if (ne === i) this.failAt(i, 'the DOCTYPE needs the name of the root element', what);
    i = skipSpace(s, ne, n);
    if (i > ne && (s.startsWith('SYSTEM', i) || s.startsWith('PUBLIC', i))) {
      const literals = s.startsWith('PUBLIC', i) ? 2 : 1;
      i += 6;
      for (let k = 0; k < literals; k++) {
        const before = i;
        i = skipSpace(s, i, n);
        if (i === before) this.failAt(i, 'whitespace is needed before a literal in the DOCTYPE', what);
        i = this.quoted(i, what);
      }
      i = skipSpace(s, i, n);
    }
    if (s.charCodeAt(i) === LBRACKET) {
      i = this.internalSubset(i + 1);
      i = skipSpace(s, i, n);
    }
    if (s.charCodeAt(i) !== GT) this.failAt(i, `unexpected '${s[i]}' in the DOCTYPE`, what);
    return i + 1;
  }

  /** A quoted literal at `i`; returns the index after its closing quote. */
  private quoted(i: number, what: string): number {
    const s = this.s;
    const q = s.charCodeAt(i);
    if (q !== DQUOTE && q !== SQUOTE) this.failAt(i, `a quoted literal is expected in ${what}`, what);
    const close = s.indexOf(q === DQUOTE ? '"' : "'", i + 1);
    if (close < 0) this.failAtEnd(`the document ends inside ${what}`);
    return close + 1;
  }

  /**
   * Records a general entity: GEDecl ::= '<!ENTITY' S Name S EntityDef S? '>' (parameter
   * entities are not used). Character references in the value are replaced now (§4.5); entity
   * references stay, to be expanded where the entity is used. The first declaration binds.
   */
  private entityDeclaration(i: number): void {
    const s = this.s;
    const n = s.length;
    const what = 'the entity declaration';
    i = skipSpace(s, i, n);
    if (s.charCodeAt(i) === PERCENT) return;
    const ne = scanName(s, i, n);
    if (ne === i) this.failAt(i, 'an entity declaration needs a name: <!ENTITY name "value">', what);
    const name = s.slice(i, ne);
    if (name.includes(':')) this.fail(`entity names may not contain a colon: ${name}`, i, ne);
    const j = skipSpace(s, ne, n);
    if (j === ne) this.failAt(j, 'whitespace is needed after the entity name', what);
    const ents = (this.ents ??= newEntityTable(this.whole.length));
    const q = s.charCodeAt(j);
    if (q !== DQUOTE && q !== SQUOTE) {
      // SYSTEM or PUBLIC: an external entity, never read.
      if (!ents.defs.has(name)) ents.defs.set(name, undefined);
      return;
    }
    const close = this.quoted(j, what) - 1;
    let value = '';
    let from = j + 1;
    for (let k = j + 1; k < close; k++) {
      const c = s.charCodeAt(k);
      if (c === PERCENT) this.fail('a parameter-entity reference is not allowed in an entity value of the internal subset', k);
      if (c !== AMP) continue;
      if (s.charCodeAt(k + 1) === 0x23) {
        // A character reference: decodeText reads exactly one reference here.
        const semi = s.indexOf(';', k);
        const end = semi < 0 || semi > close ? close : semi + 1;
        value += s.slice(from, k) + decodeText(s, k, end);
        from = k = end;
        k--;
      } else {
        const e = scanName(s, k + 1, close);
        if (e === k + 1 || s.charCodeAt(e) !== SEMICOLON) this.fail(`'&' in an entity value must start a reference: write &#38;#38; for a literal &`, k, Math.max(e, k + 1));
        k = e;
      }
    }
    value += s.slice(from, close);
    if (!ents.defs.has(name)) ents.defs.set(name, value);
  }

  /** Skips the markup declarations of an internal subset up to and past its ']'. */
  private internalSubset(i: number): number {
    const s = this.s;
    const n = s.length;
    const what = 'the internal subset of the DOCTYPE';
    for (;;) {
      i = skipSpace(s, i, n);
      if (i >= n) this.failAtEnd(`the document ends inside ${what}`);
      const c = s.charCodeAt(i);
      if (c === RBRACKET) return i + 1;
      if (c === PERCENT) {
        const e = scanName(s, i + 1, n);
        if (e === i + 1 || s.charCodeAt(e) !== SEMICOLON) this.failAt(e, 'a parameter-entity reference must be %name;', what);
        i = e + 1;
      } else if (s.startsWith('<!--', i)) {
        i = this.comment(i);
      } else if (s.startsWith('<?', i)) {
        i = this.processingInstruction(i);
      } else if (s.startsWith('<!', i) && scanName(s, i + 2, n) > i + 2) {
        if (s.startsWith('<!ENTITY', i) && isSpace(s.charCodeAt(i + 8))) this.entityDeclaration(i + 8);
        // <!ENTITY, <!ELEMENT, <!ATTLIST, <!NOTATION: up to '>' outside quoted literals.
        i += 2;
        for (;;) {
          if (i >= n) this.failAtEnd(`the document ends inside ${what}`);
          const d = s.charCodeAt(i);
          if (d === GT) break;
          if (d === DQUOTE || d === SQUOTE) i = this.quoted(i, what);
          else if (d === LT) this.fail(`unexpected '<' in a markup declaration`, i);
          else i++;
        }
        i++;
      } else {
        this.failAt(i, `unexpected '${s[i]}' in ${what}`, what);
      }
    }
  }
}

// Names, indentation and short values repeat all through a document (and across documents):
// one string each instead of one per occurrence is less to allocate and to collect. A small
// direct-mapped table, looked up by a hash of the characters in place, so a hit allocates
// nothing. Only strings up to 12 characters: V8 copies those when slicing, while longer slices
// point into the whole text, which the table would then keep alive.
const SHORT = 12;
const TABLE_SIZE = 4096;
const table: string[] = new Array<string>(TABLE_SIZE).fill('');

/** `s.slice(start, end)`, shared with earlier equal strings when short. */
function slice(s: string, start: number, end: number): string {
  const length = end - start;
  if (length > SHORT) return s.slice(start, end);
  let h = length;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  const slot = (h ^ (h >>> 12)) & (TABLE_SIZE - 1);
  const known = table[slot];
  if (known.length === length && s.startsWith(known, start)) return known;
  return (table[slot] = s.slice(start, end));
}

/** A short string, shared like the ones slice returns. */
function intern(v: string): string {
  return slice(v, 0, v.length);
}

/** Children of an open element until it ends (finish() replaces it in any case). */
const PENDING: XmlNode[] = [];

function unboundMessage(prefix: string): string {
  return `unbound namespace prefix ${prefix}: declare it with xmlns:${prefix}="..."`;
}

/** CDATA content: CRLF and CR read as LF. */
function normalizeLineEnds(s: string, start: number, end: number): string {
  const v = s.slice(start, end);
  return v.indexOf('\r') < 0 ? v : v.replace(/\r\n?/g, '\n');
}

/** Whether the text from `i` to its end is a proper beginning of `literal`. */
function isPrefixAtEnd(s: string, i: number, literal: string): boolean {
  return s.length - i < literal.length && literal.startsWith(s.slice(i));
}

/** The `xml-malformed` diagnostic for a document, if it is not well-formed. */
export function wellFormednessDiagnostics(doc: Pick<XmlDocument, 'error' | 'lines'>): Diagnostic[] {
  if (!doc.error) return [];
  const r = doc.lines.rangeOf(doc.error.span.start, doc.error.span.end);
  return [diagnostic('xml-malformed', 'error', `XML is not well-formed: ${doc.error.message}`, r, { source: 'vm-context' })];
}

/** Child elements of an element, in order. */
export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === 'element');
}

export function attribute(el: XmlElement, name: string): XmlAttribute | undefined {
  return el.attributes.find((a) => a.name === name);
}

/** The concatenated text content directly inside an element. */
export function textContent(el: XmlElement): string {
  return el.children.map((c) => (c.kind === 'text' ? c.value : '')).join('');
}

/** Elements found by walking a path of local names from `el` (e.g. ['devices', 'disk']). */
export function findAll(el: XmlElement, path: string[]): XmlElement[] {
  let current = [el];
  for (const name of path) {
    current = current.flatMap((e) => childElements(e).filter((c) => c.local === name));
  }
  return current;
}
