// What a pattern state allows next: the element names, attribute names, values and text it
// can take, the attributes and elements still required. Used for error messages ("expected
// ...") and for completion. These walks visit each interned pattern once.
import { K, type Pattern } from './patterns';
import { contains, summarize, type NameClass, type QName } from './nameClass';

function walk(p: Pattern, visit: (q: Pattern, push: (r: Pattern) => void) => void): void {
  const seen = new Set<number>();
  const stack = [p];
  const push = (r: Pattern) => {
    if (!seen.has(r.id)) {
      seen.add(r.id);
      stack.push(r);
    }
  };
  seen.add(p.id);
  while (stack.length) visit(stack.pop()!, push);
}

/** Name classes of the elements that may start here. */
export function startableElements(p: Pattern): NameClass[] {
  const out: NameClass[] = [];
  walk(p, (q, push) => {
    switch (q.k) {
      case K.Choice: q.alts!.forEach(push); break;
      case K.Interleave: push(q.a!); push(q.b!); break;
      case K.Group: push(q.a!); if (q.a!.nullable) push(q.b!); break;
      case K.OneOrMore: push(q.a!); break;
      case K.After: push(q.a!); break;
      // An element that can have no content can never be there.
      case K.Element: if (q.el!.content.k !== K.NotAllowed) out.push(q.nc!); break;
    }
  });
  return out;
}

/** Name classes of the attributes that may still be given (in a start-tag state). */
export function allowedAttributes(p: Pattern): NameClass[] {
  const out: NameClass[] = [];
  walk(p, (q, push) => {
    switch (q.k) {
      case K.Choice: q.alts!.forEach(push); break;
      case K.Interleave: case K.Group: push(q.a!); push(q.b!); break;
      case K.OneOrMore: case K.After: push(q.a!); break;
      case K.Attribute: out.push(q.nc!); break;
    }
  });
  return out;
}

/** The content patterns of the attributes named (ns, local) that are allowed in state p. */
export function attributeContents(p: Pattern, ns: string, local: string): Pattern[] {
  const out: Pattern[] = [];
  walk(p, (q, push) => {
    switch (q.k) {
      case K.Choice: q.alts!.forEach(push); break;
      case K.Interleave: case K.Group: push(q.a!); push(q.b!); break;
      case K.OneOrMore: case K.After: push(q.a!); break;
      case K.Attribute: if (contains(q.nc!, ns, local)) out.push(q.a!); break;
    }
  });
  return out;
}

/** What text may come first in a content or value pattern: listed values and datatype
 *  descriptions (in schema order; `dataOrd` gives each one's place). */
export function expectedText(p: Pattern): { values: string[]; data: string[]; dataOrd: number[]; anyText: boolean; list: boolean } {
  const values: string[] = [];
  const datas: Pattern[] = [];
  let anyText = false;
  let list = false;
  walk(p, (q, push) => {
    switch (q.k) {
      case K.Choice: q.alts!.forEach(push); break;
      case K.Interleave: push(q.a!); push(q.b!); break;
      case K.Group: push(q.a!); if (q.a!.nullable) push(q.b!); break;
      case K.OneOrMore: case K.After: push(q.a!); break;
      case K.Value: values.push(q.raw!); break;
      case K.Data: datas.push(q); break;
      case K.Text: anyText = true; break;
      case K.List: list = true; push(q.a!); break;
    }
  });
  // Not in the walk's order: that follows pattern ids, which depend on the order patterns were
  // built (a fresh compile and a lazy cache read differ), and messages must not.
  datas.sort((x, y) => x.ord - y.ord);
  const data: string[] = [];
  const dataOrd: number[] = [];
  for (const q of datas) {
    const d = q.dt!.describe();
    if (data.includes(d)) continue;
    data.push(d);
    dataOrd.push(q.ord);
  }
  return { values: [...new Set(values)].sort(), data, dataOrd, anyText, list };
}

/** Whether the start tag could be closed: attributes the state still requires. */
export function missingAttributes(p: Pattern): NameClass[] {
  const out: NameClass[] = [];
  const done = new Map<number, boolean>();
  const rec = (q: Pattern, depth: number): boolean => {
    const hit = done.get(q.id);
    if (hit !== undefined) return hit;
    const r = rec1(q, depth);
    done.set(q.id, r);
    return r;
  };
  const rec1 = (q: Pattern, depth: number): boolean => {
    // Returns true when q can be closed without more attributes.
    if (depth > 500) return true;
    switch (q.k) {
      case K.Attribute: out.push(q.nc!); return false;
      case K.Choice: {
        if (q.alts!.some((a) => closable(a, closableMemo))) return true;
        q.alts!.forEach((a) => rec(a, depth + 1));
        return false;
      }
      case K.Group: case K.Interleave: {
        const x = rec(q.a!, depth + 1);
        const y = rec(q.b!, depth + 1);
        return x && y;
      }
      case K.OneOrMore: case K.After: return rec(q.a!, depth + 1);
      case K.NotAllowed: return false;
      default: return true;
    }
  };
  const closableMemo = new Map<number, boolean>();
  rec(p, 0);
  return out;
}

function closable(q: Pattern, memo: Map<number, boolean>): boolean {
  const hit = memo.get(q.id);
  if (hit !== undefined) return hit;
  let ok = true;
  walk(q, (r, push) => {
    switch (r.k) {
      case K.Attribute: ok = false; break;
      case K.Group: case K.Interleave: push(r.a!); push(r.b!); break;
      case K.OneOrMore: case K.After: push(r.a!); break;
      case K.Choice: if (!r.alts!.some((a) => closable(a, memo))) ok = false; break;
      case K.NotAllowed: ok = false; break;
    }
  });
  memo.set(q.id, ok);
  return ok;
}

/** Content that is still required at an end tag: elements (name classes) and whether text/data is. */
export function missingContent(p: Pattern): { elements: NameClass[]; text: boolean } {
  const elements: NameClass[] = [];
  let text = false;
  const seen = new Set<number>();
  const rec = (q: Pattern, depth: number): void => {
    if (q.nullable || depth > 500 || seen.has(q.id)) return;
    seen.add(q.id);
    switch (q.k) {
      case K.Element: elements.push(q.nc!); break;
      case K.Choice: q.alts!.forEach((a) => rec(a, depth + 1)); break;
      case K.Group: if (!q.a!.nullable) rec(q.a!, depth + 1); else rec(q.b!, depth + 1); break;
      case K.Interleave: rec(q.a!, depth + 1); rec(q.b!, depth + 1); break;
      case K.OneOrMore: case K.After: rec(q.a!, depth + 1); break;
      case K.Data: case K.Value: case K.List: text = true; break;
    }
  };
  rec(p, 0);
  return { elements, text };
}

/** Concrete names and wildcards of a set of name classes, deduplicated. */
export function namesOf(ncs: NameClass[]): { names: QName[]; anyName: boolean; nsNames: string[] } {
  const names = new Map<string, QName>();
  let anyName = false;
  const nsNames = new Set<string>();
  for (const nc of ncs) {
    const s = summarize(nc);
    for (const n of s.names) names.set(`{${n.ns}}${n.local}`, n);
    for (const w of s.wildcards) {
      if (w.ns === undefined) anyName = true;
      else nsNames.add(w.ns);
    }
  }
  return { names: [...names.values()], anyName, nsNames: [...nsNames].sort() };
}
