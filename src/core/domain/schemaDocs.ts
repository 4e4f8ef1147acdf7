// The a:documentation of schemas/domain-template.rng, by element (and its parent) and by
// attribute (and its element): for hover and completion, whichever schema validates.
// DomainSchemas.docs() reads them once.
import { attribute, childElements, parseXml, textContent, type XmlElement } from '../xml/parse';

const RNG = 'http://relaxng.org/ns/structure/1.0';
const ANNOTATIONS = 'http://relaxng.org/ns/compatibility/annotations/1.0';

export interface SchemaDocs {
  /** Documentation of element `name` inside `parent` ('' at the root). */
  element(parent: string | undefined, name: string): string | undefined;
  attribute(element: string, parent: string | undefined, name: string): string | undefined;
}

const docOf = (el: XmlElement) =>
  childElements(el)
    .filter((c) => c.uri === ANNOTATIONS && c.local === 'documentation')
    .map((c) => textContent(c).replace(/\s+/g, ' ').trim())[0];

/** Builds the docs from RELAX NG text (following refs to defines). */
export function readSchemaDocs(rngText: string): SchemaDocs {
  const doc = parseXml(rngText);
  const defines = new Map<string, XmlElement[]>();
  const elements = new Map<string, string>();
  const attributes = new Map<string, string>();
  const visit = (node: XmlElement, owner: string, parent: string, seen: Set<string>) => {
    for (const c of childElements(node)) {
      if (c.uri !== RNG) continue;
      const name = attribute(c, 'name')?.value;
      if (c.local === 'element' && name) {
        const d = docOf(c);
        if (d) {
          elements.set(`${owner}/${name}`, d);
          if (!elements.has(`*/${name}`)) elements.set(`*/${name}`, d);
        }
        visit(c, name, owner, seen);
      } else if (c.local === 'attribute' && name) {
        const d = docOf(c);
        if (d) {
          attributes.set(`${parent}/${owner}@${name}`, d);
          if (!attributes.has(`*/${owner}@${name}`)) attributes.set(`*/${owner}@${name}`, d);
        }
      } else if (c.local === 'ref' && name) {
        const key = `${name}@${owner}`;
        if (seen.has(key)) continue;
        seen.add(key);
        for (const def of defines.get(name) ?? []) visit(def, owner, parent, seen);
      } else visit(c, owner, parent, seen);
    }
  };
  if (doc.root) {
    for (const d of childElements(doc.root)) {
      const n = d.local === 'define' ? attribute(d, 'name')?.value : undefined;
      if (n) defines.set(n, [...(defines.get(n) ?? []), d]);
    }
    for (const s of childElements(doc.root).filter((c) => c.local === 'start')) visit(s, '', '', new Set());
  }
  return {
    // Without a known parent, the first description of that name; with one, only its own.
    element: (parent, name) => (parent === undefined ? elements.get(`*/${name}`) : elements.get(`${parent}/${name}`)),
    attribute: (element, parent, name) => (parent === undefined ? attributes.get(`*/${element}@${name}`) : attributes.get(`${parent}/${element}@${name}`)),
  };
}
