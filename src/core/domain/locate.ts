// The node of a parsed (possibly partial) document at an offset.
import type { XmlAttribute, XmlDocument, XmlElement } from '../xml/parse';

export interface NodeAt {
  element: XmlElement;
  /** On the element's name in its start or end tag. */
  onName: boolean;
  attribute?: XmlAttribute;
  onAttributeValue: boolean;
}

export function nodeAt(doc: XmlDocument, offset: number): NodeAt | undefined {
  const root = doc.root;
  if (!root || offset < root.span.start || offset > root.span.end) return undefined;
  let el: XmlElement = root;
  for (;;) {
    const next: XmlElement | undefined = el.children.find((c): c is XmlElement => c.kind === 'element' && offset >= c.span.start && offset <= c.span.end);
    if (!next) break;
    el = next;
  }
  const inSpan = (s: { start: number; end: number }) => offset >= s.start && offset <= s.end;
  const onName = inSpan(el.nameSpan) || (!!el.endTag && inSpan({ start: el.endTag.start + 2, end: el.endTag.start + 2 + el.name.length }));
  const attribute = el.attributes.find((a) => inSpan(a.span));
  return { element: el, onName, attribute, onAttributeValue: !!attribute && inSpan(attribute.valueSpan) };
}
