// The tree's nodes. Offsets are kept as plain numbers and the Span objects of the public
// interface are made on first use (then kept, so a span is always the same object): a 1 MB
// document has some 200,000 spans that nobody reads, and allocating them all made garbage
// collection the largest cost of parsing.
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
  o3 = -1;
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
    this.o0 = start;
    this.o1 = tagEnd;
    this.o2 = nameEnd;
    this.o4 = end;
    this.selfClosing = selfClosing;
    this.closed = selfClosing;
  }

  private spans(): (Span | undefined)[] {
    return (this.sp ??= [
      { start: this.o0, end: this.o4 },
      { start: this.o0, end: this.o1 },
      { start: this.o0 + 1, end: this.o2 },
      this.o3 < 0 ? undefined : { start: this.o3, end: this.o4 },
    ]);
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
  uri = '';
  /** span, nameSpan, valueSpan once asked for. */
  private sp: Span[] | undefined = undefined;

  constructor(
    public name: string,
    public local: string,
    public prefix: string,
    public value: string,
    /** Offsets: the name, past the name, inside the opening quote, at the closing quote. */
    readonly o0: number,
    readonly o1: number,
    readonly o2: number,
    readonly o3: number,
  ) {}

  private spans(): Span[] {
    return (this.sp ??= [
      { start: this.o0, end: this.o3 + 1 },
      { start: this.o0, end: this.o1 },
      { start: this.o2, end: this.o3 },
    ]);
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
}
Object.defineProperty(TextNode.prototype, 'kind', { value: 'text', enumerable: true });
