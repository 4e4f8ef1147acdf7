// The tree's nodes. Offsets are kept as plain numbers and the Span objects of the public
// interface are made on first use (then kept, so a span is always the same object): a 1 MB
// document has some 200,000 spans that nobody reads, and allocating them all made garbage
// collection the largest cost of parsing.
//
// A field first written long after its node was made (a span, by the first error message of a
// run, say) tells V8 that the field it had taken for a constant does change, and V8 then throws
// away the optimized parser code built on that and compiles it again. So the span fields are
// written once on a throwaway node of each class at load (markSpansChanging, below), before any
// code runs hot; the other fields are set in the constructors, and after that only the end tag's
// offset, `closed` and the children change. (Kept in WeakMaps instead, the spans took 1.5-4x
// longer to read and 25% more memory on a 1 MB document.)
import type { Span, XmlAttribute, XmlElement, XmlNode, XmlText } from './parse';

export class ElementNode implements XmlElement {
  declare readonly kind: 'element';
  attributes: XmlAttribute[];
  children: XmlNode[];
  selfClosing: boolean;
  closed: boolean;
  /** Offsets: `<`, past the start tag's `>`, past the name, the end tag's `<` (-1: none), the end. */
  o0: number;
  o1: number;
  o2: number;
  o3: number;
  o4: number;
  /** span, startTag, nameSpan, endTag once asked for. */
  private sp: (Span | undefined)[] | undefined = undefined;

  constructor(
    public name: string,
    public local: string,
    public prefix: string,
    public uri: string,
    attributes: XmlAttribute[],
    children: XmlNode[],
    public parent: XmlElement | undefined,
    start: number,
    tagEnd: number,
    nameEnd: number,
    end: number,
    selfClosing: boolean,
  ) {
    this.attributes = attributes;
    this.children = children;
    this.selfClosing = selfClosing;
    this.closed = selfClosing;
    this.o0 = start;
    this.o1 = tagEnd;
    this.o2 = nameEnd;
    this.o3 = -1;
    this.o4 = end;
  }

  private spans(): (Span | undefined)[] {
    return (this.sp ??= [
      { start: this.o0, end: this.o4 },
      { start: this.o0, end: this.o1 },
      { start: this.o0 + 1, end: this.o2 },
      this.o3 < 0 ? undefined : { start: this.o3, end: this.o4 },
    ]);
  }

  static markSpansChanging(): void {
    new ElementNode('', '', '', '', [], [], undefined, 0, 0, 0, 0, true).sp = [];
  }

  get span(): Span {
    return this.spans()[0]!;
  }
  set span(s: Span) {
    this.spans()[0] = s;
  }
  get startTag(): Span {
    return this.spans()[1]!;
  }
  set startTag(s: Span) {
    this.spans()[1] = s;
  }
  get nameSpan(): Span {
    return this.spans()[2]!;
  }
  set nameSpan(s: Span) {
    this.spans()[2] = s;
  }
  get endTag(): Span | undefined {
    return this.spans()[3];
  }
  set endTag(s: Span | undefined) {
    this.spans()[3] = s;
  }
}
Object.defineProperty(ElementNode.prototype, 'kind', { value: 'element', enumerable: true });

export class AttributeNode implements XmlAttribute {
  /** span, nameSpan, valueSpan once asked for. */
  private sp: Span[] | undefined = undefined;

  constructor(
    public name: string,
    public local: string,
    public prefix: string,
    public value: string,
    /** Offsets: the name, past the name, inside the opening quote, at the closing quote. */
    public o0: number,
    public o1: number,
    public o2: number,
    public o3: number,
    /** Known once the whole start tag is read (its own xmlns declarations count): see withUri. */
    public uri: string,
  ) {}

  /** The same attribute in namespace `uri` (a new node, so that no node's field changes after it is made). */
  withUri(uri: string): AttributeNode {
    return new AttributeNode(this.name, this.local, this.prefix, this.value, this.o0, this.o1, this.o2, this.o3, uri);
  }

  /**
   * This node made another attribute, for a parse whose handler keeps no node (the streaming
   * validator of `vmctx rng`, where a node per attribute was most of what a file allocated).
   * Such a process never builds a tree, so the tree's nodes still never change once made.
   */
  reuse(name: string, local: string, prefix: string, value: string, o0: number, o1: number, o2: number, o3: number, uri: string): this {
    this.name = name;
    this.local = local;
    this.prefix = prefix;
    this.value = value;
    this.o0 = o0;
    this.o1 = o1;
    this.o2 = o2;
    this.o3 = o3;
    this.uri = uri;
    this.sp = undefined;
    return this;
  }

  private spans(): Span[] {
    return (this.sp ??= [
      { start: this.o0, end: this.o3 + 1 },
      { start: this.o0, end: this.o1 },
      { start: this.o2, end: this.o3 },
    ]);
  }

  static markSpansChanging(): void {
    new AttributeNode('', '', '', '', 0, 0, 0, 0, '').sp = [];
  }

  get span(): Span {
    return this.spans()[0];
  }
  set span(s: Span) {
    this.spans()[0] = s;
  }
  get nameSpan(): Span {
    return this.spans()[1];
  }
  set nameSpan(s: Span) {
    this.spans()[1] = s;
  }
  get valueSpan(): Span {
    return this.spans()[2];
  }
  set valueSpan(s: Span) {
    this.spans()[2] = s;
  }
}

export class TextNode implements XmlText {
  declare readonly kind: 'text';
  private s0: Span | undefined = undefined;

  constructor(
    public value: string,
    public parent: XmlElement,
    readonly o0: number,
    readonly o1: number,
  ) {}

  get span(): Span {
    return (this.s0 ??= { start: this.o0, end: this.o1 });
  }
  set span(s: Span) {
    this.s0 = s;
  }

  static markSpansChanging(parent: ElementNode): void {
    new TextNode('', parent, 0, 0).s0 = { start: 0, end: 0 };
  }
}
Object.defineProperty(TextNode.prototype, 'kind', { value: 'text', enumerable: true });

ElementNode.markSpansChanging();
AttributeNode.markSpansChanging();
TextNode.markSpansChanging(new ElementNode('', '', '', '', [], [], undefined, 0, 0, 0, 0, true));
