// "What may come here": the element names, attribute names and attribute values the schema
// allows at an offset of a (possibly incomplete) document. Runs the validator up to the position
// and reads the expectations off the derivative state there.
import { parseXml, type XmlDocument, type XmlElement, type XmlAttribute } from '../xml/parse';
import type { RngSchema } from './schema';
import { Walker, type Scope } from './validate';
import { allowedAttributes, attributeContents, expectedText, missingAttributes, missingContent, namesOf, startableElements } from './expect';
import { K, type Pattern } from './patterns';

export interface Expectations {
  /** Where the offset is. */
  context: 'content' | 'startTag' | 'attributeValue' | 'none';
  /** The element the offset is in (the element whose start tag or content holds it). */
  element?: string;
  /** Child elements allowed at the offset (content), as the document would write them. */
  elements: string[];
  /** Some element name class is a wildcard (anyName / nsName). */
  anyElement: boolean;
  /** Attributes allowed and not yet given (startTag). */
  attributes: string[];
  /** Of those, the ones the element cannot do without (startTag). */
  requiredAttributes: string[];
  /** Child elements that must still come before the end tag (content). */
  requiredElements: string[];
  /** Attribute being edited (attributeValue). */
  attribute?: string;
  /** Values listed by the schema for that attribute (attributeValue) or for the text (content). */
  values: string[];
  /** Datatype descriptions when the value is free-form within a type. */
  datatypes: string[];
  /** Content: whether the end tag may come here; whether text may. */
  endTagAllowed: boolean;
  textAllowed: boolean;
}

function deepestAt(root: XmlElement, offset: number): XmlElement | undefined {
  if (offset < root.span.start || offset > root.span.end) return undefined;
  let el = root;
  for (;;) {
    const next = el.children.find(
      (c): c is XmlElement => c.kind === 'element' && offset > c.span.start && (offset < c.span.end || !c.closed),
    );
    if (!next) return el;
    el = next;
  }
}

const empty = (): Expectations => ({
  context: 'none', elements: [], anyElement: false, attributes: [], requiredAttributes: [], requiredElements: [], values: [], datatypes: [], endTagAllowed: false, textAllowed: false,
});

/** What the schema allows at `offset` in `doc` (which may be malformed: its partial tree is used). */
export function whatMayComeHere(schema: RngSchema, doc: Pick<XmlDocument, 'root' | 'text'>, offset: number): Expectations {
  const out = empty();
  const root = doc.root;
  if (!root) {
    // Before any element: the root elements.
    out.context = 'content';
    fillElements(out, schema.start, undefined);
    return out;
  }
  const el = deepestAt(root, offset);
  if (!el) return out;
  out.element = el.name;
  const inStartTag = offset > el.nameSpan.end && offset < el.startTag.end;
  const attr: XmlAttribute | undefined = inStartTag
    ? el.attributes.find((a) => offset >= a.valueSpan.start && offset <= a.valueSpan.end)
    : undefined;
  const d = schema.deriver;
  const pool = schema.pool;
  if (inStartTag || offset <= el.nameSpan.end) {
    if (offset <= el.nameSpan.end) {
      // On the element name: the elements allowed where this one stands.
      const parent = el.parent;
      if (!parent) fillElements(out, schema.start, undefined);
      else {
        const index = parent.children.indexOf(el);
        stopAtChild(schema, doc, parent, index, (state, scope) => fillElements(out, state, scope));
      }
      out.context = 'content';
      return out;
    }
    const walker = new Walker(schema, {
      afterStartTagOpen(target, state, scope) {
        if (target !== el) return false;
        let p = state;
        for (const a of el.attributes) {
          if (a === attr || a.prefix === 'xmlns' || a.name === 'xmlns') continue;
          const next = d.attribute(p, a.uri, a.local, a.value, scope, true);
          if (next !== pool.notAllowed) p = next;
        }
        if (attr) {
          out.context = 'attributeValue';
          out.attribute = attr.name;
          const t = contentsText(attributeContents(p, attr.uri, attr.local));
          out.values = t.values;
          out.datatypes = t.data;
        } else {
          out.context = 'startTag';
          const given = new Set(el.attributes.map((a) => `{${a.uri}}${a.local}`));
          const names = namesOf(allowedAttributes(p));
          out.attributes = names.names.filter((n) => !given.has(`{${n.ns}}${n.local}`)).map((n) => scope.format(n)).sort();
          if (d.startTagClose(p) === pool.notAllowed) {
            out.requiredAttributes = namesOf(missingAttributes(p)).names.filter((n) => !given.has(`{${n.ns}}${n.local}`)).map((n) => scope.format(n)).sort();
          }
        }
        return true;
      },
    });
    walker.run(doc);
    return out;
  }
  // In content: the state before the first child that starts at or after the offset.
  let index = el.children.findIndex((c) => c.span.start >= offset);
  if (index < 0) index = el.children.length;
  stopAtChild(schema, doc, el, index, (state, scope) => {
    fillElements(out, state, scope);
    out.endTagAllowed = d.endTag(state) !== pool.notAllowed;
    if (!out.endTagAllowed) {
      const contents = state.k === K.After ? [state.a!] : state.k === K.Choice ? state.alts!.filter((q) => q.k === K.After).map((q) => q.a!) : [];
      const required = contents.flatMap((c) => missingContent(c).elements);
      out.requiredElements = [...new Set(namesOf(required).names.map((n) => scope.format(n)))].sort();
    }
    const t = expectedText(state.k === K.After ? state.a! : state);
    out.textAllowed = t.anyText || t.values.length > 0 || t.data.length > 0;
    out.values = t.values;
    out.datatypes = t.data;
  });
  out.context = 'content';
  return out;
}

function contentsText(ps: Pattern[]): { values: string[]; data: string[] } {
  const values = new Set<string>();
  const data = new Set<string>();
  for (const p of ps) {
    const t = expectedText(p);
    t.values.forEach((v) => values.add(v));
    t.data.forEach((v) => data.add(v));
  }
  return { values: [...values].sort(), data: [...data] };
}

function stopAtChild(
  schema: RngSchema,
  doc: Pick<XmlDocument, 'root' | 'text'>,
  el: XmlElement,
  index: number,
  found: (state: Pattern, scope: Scope) => void,
): void {
  const walker = new Walker(schema, {
    beforeChild(target, i, state, scope) {
      if (target !== el || i < index) return false;
      found(state, scope);
      return true;
    },
  });
  walker.run(doc);
}

function fillElements(out: Expectations, state: Pattern, scope: Scope | undefined): void {
  const names = namesOf(startableElements(state));
  out.elements = names.names.map((n) => (scope ? scope.format(n) : n.local)).sort();
  out.anyElement = names.anyName || names.nsNames.length > 0;
}

/**
 * Like whatMayComeHere, for text being typed: when the document is not well-formed, the text
 * up to the offset is completed just enough (closing a value or start tag) to know where it is.
 */
export function whatMayComeHereInText(schema: RngSchema, text: string, offset: number): Expectations {
  const doc = parseXml(text);
  if (!doc.error) return whatMayComeHere(schema, doc, offset);
  const pre = text.slice(0, offset);
  const lt = pre.lastIndexOf('<');
  const tag = lt > pre.lastIndexOf('>') ? pre.slice(lt) : '';
  let repaired = pre;
  let at = offset;
  if (/^<[^\s/!?<>]*$/.test(tag)) {
    // Typing an element name: what may stand here is what the parent allows.
    repaired = pre.slice(0, lt);
    at = lt;
  } else if (/^<[^\s/!?<>]+\s/.test(tag)) {
    const dq = (tag.match(/"/g) ?? []).length % 2 === 1;
    const sq = (tag.match(/'/g) ?? []).length % 2 === 1;
    const close = (dq ? '"' : sq ? "'" : /=\s*$/.test(tag) ? '""' : '') + '/>';
    repaired = pre + close;
  }
  return whatMayComeHere(schema, parseXml(repaired, { maxDepth: 2000 }), at);
}
