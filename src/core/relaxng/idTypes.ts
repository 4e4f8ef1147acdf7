// ID, IDREF and IDREFS as the RELAX NG DTD Compatibility specification (section 4) has them,
// and as Jing checks by default: the schema must use ID-typed datatypes only where a DTD could
// (as the whole content of an attribute with a single name, on elements with listed names, the
// same ID-type wherever that attribute of that element can occur), and a document must not give
// an ID twice nor refer (IDREF, IDREFS) to an ID it does not give.
import { K, type ElementDecl, type Pattern } from './patterns';
import { contains, isFinite, summarize, type NameClass } from './nameClass';
import { XSD_LIBRARY, type Datatype } from './datatypes';
import type { Loc } from './ast';
import type { XmlDocument, XmlElement, Span } from '../xml/parse';

export type IdType = 'ID' | 'IDREF' | 'IDREFS';

/** `{ns}local` of an element → `{ns}local` of an attribute → its ID-type. */
export type IdTable = Map<string, Map<string, IdType>>;

/** The ID-type of a datatype (XML Schema's ID, IDREF, IDREFS; the compatibility library maps to them). */
export function idTypeOf(dt: Datatype | undefined): IdType | undefined {
  if (!dt || !dt.key.startsWith(`${XSD_LIBRARY}|`)) return undefined;
  return dt.name === 'ID' || dt.name === 'IDREF' || dt.name === 'IDREFS' ? dt.name : undefined;
}

const key = (ns: string, local: string) => `{${ns}}${local}`;

interface Use {
  decl: ElementDecl;
  /** Where the element is (for the rule on its name class). */
  elementAt: Loc;
  nc: NameClass;
  type: IdType | undefined;
  at: Loc;
}

/**
 * Checks the compatibility rules on the simplified schema (the element declarations reached from
 * start) and returns the table the document check uses, or undefined when no ID-type is used.
 */
export function buildIdTable(elements: readonly Pattern[], locs: Map<number, Loc>, fallback: Loc, report: (loc: Loc, message: string) => void): IdTable | undefined {
  const uses: Use[] = [];
  let any = false;
  for (const element of elements) {
    const decl = element.el!;
    const elementAt = locs.get(element.id) ?? fallback;
    const seen = new Set<number>();
    const stack: Array<{ p: Pattern; at: Loc }> = [{ p: decl.content, at: elementAt }];
    while (stack.length) {
      const { p, at: outer } = stack.pop()!;
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      // Data and value patterns are shared between places: report them where they are used.
      const at = p.k === K.Data || p.k === K.Value ? outer : (locs.get(p.id) ?? outer);
      switch (p.k) {
        case K.Attribute: {
          const content = p.a!;
          const type = content.k === K.Data || content.k === K.Value ? idTypeOf(content.dt) : undefined;
          uses.push({ decl, elementAt, nc: p.nc!, type, at });
          if (type) {
            any = true;
            if (content.a) stack.push({ p: content.a, at });
          } else stack.push({ p: content, at });
          break;
        }
        case K.Data:
        case K.Value:
          if (idTypeOf(p.dt)) {
            any = true;
            report(at, `a "data" or "value" pattern with ID-type ${idTypeOf(p.dt)} must be the whole content of an "attribute" pattern (DTD compatibility)`);
          }
          if (p.a) stack.push({ p: p.a, at });
          break;
        case K.Choice:
          for (const q of p.alts!) stack.push({ p: q, at });
          break;
        case K.Group:
        case K.Interleave:
          stack.push({ p: p.b!, at }, { p: p.a!, at });
          break;
        case K.OneOrMore:
        case K.List:
          stack.push({ p: p.a!, at });
          break;
      }
    }
  }
  if (!any) return undefined;

  const table: IdTable = new Map();
  const typed: Array<{ el: { ns: string; local: string }; att: { ns: string; local: string }; type: IdType }> = [];
  for (const u of uses) {
    if (!u.type) continue;
    if (!isFinite(u.decl.nc)) {
      report(u.elementAt, `an "element" pattern containing an "attribute" pattern with ID-type ${u.type} must have a name class that contains only "choice" and "name" elements`);
      continue;
    }
    if (u.nc.kind !== 'name') {
      report(u.at, `an "attribute" pattern with ID-type ${u.type} must have a single name`);
      continue;
    }
    for (const el of summarize(u.decl.nc).names) {
      let atts = table.get(key(el.ns, el.local));
      if (!atts) table.set(key(el.ns, el.local), (atts = new Map()));
      const known = atts.get(key(u.nc.ns, u.nc.local));
      if (known && known !== u.type) report(u.at, `conflicting ID-types for attribute "${u.nc.local}" of element "${el.local}"`);
      else if (!known) {
        atts.set(key(u.nc.ns, u.nc.local), u.type);
        typed.push({ el, att: { ns: u.nc.ns, local: u.nc.local }, type: u.type });
      }
    }
  }
  // Any other attribute pattern that can match the same attribute of the same element must agree.
  for (const u of uses) {
    for (const t of typed) {
      if (u.type !== t.type && contains(u.decl.nc, t.el.ns, t.el.local) && contains(u.nc, t.att.ns, t.att.local)) {
        report(u.at, `conflicting ID-types for attribute "${t.att.local}" of element "${t.el.local}"`);
        break;
      }
    }
  }
  return table;
}

/** Duplicate IDs and references to IDs the document does not give, at the attribute values. */
export function checkIds(table: IdTable, doc: Pick<XmlDocument, 'root'>, fault: (span: Span, message: string) => void): void {
  if (!doc.root) return;
  const ids = new Map<string, Span>();
  const refs: Array<{ id: string; span: Span }> = [];
  const stack: XmlElement[] = [doc.root];
  while (stack.length) {
    const el = stack.pop()!;
    const atts = table.get(key(el.uri, el.local));
    if (atts) {
      for (const a of el.attributes) {
        const type = atts.get(key(a.uri, a.local));
        if (!type) continue;
        const tokens = a.value.split(/[ \t\n\r]+/).filter(Boolean);
        if (type === 'ID') {
          const id = tokens[0];
          if (id === undefined) continue;
          const first = ids.get(id);
          if (!first) ids.set(id, a.valueSpan);
          else {
            // As Jing: each duplicate also points back at the first occurrence.
            fault(a.valueSpan, `ID "${id}" has already been defined`);
            fault(first, `first occurrence of ID "${id}"`);
          }
        } else for (const id of type === 'IDREF' ? tokens.slice(0, 1) : tokens) refs.push({ id, span: a.valueSpan });
      }
    }
    for (let i = el.children.length - 1; i >= 0; i--) {
      const c = el.children[i];
      if (c.kind === 'element') stack.push(c);
    }
  }
  for (const r of refs) if (!ids.has(r.id)) fault(r.span, `IDREF "${r.id}" without matching ID`);
}
