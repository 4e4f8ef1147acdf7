// Section 7 restrictions, checked on the simplified schema (the start pattern and the content of
// every element it reaches), as the specification says: 7.1 prohibited paths, 7.2 string
// sequences (content types), 7.3 duplicate attributes and repeated wildcard attributes, 7.4
// interleave operands.
import { K, type Pattern } from './patterns';
import { contains, isFinite, type NameClass } from './nameClass';
import type { Loc } from './ast';

export interface Level {
  attributes: NameClass[];
  elements: NameClass[];
  text: boolean;
}

/** Attributes, elements and text at the top level of a pattern (not inside its elements). */
export function levelOf(p: Pattern, memo: Map<number, Level>): Level {
  const hit = memo.get(p.id);
  if (hit) return hit;
  const out: Level = { attributes: [], elements: [], text: false };
  const seen = new Set<number>([p.id]);
  const stack = [p];
  while (stack.length) {
    const q = stack.pop()!;
    const push = (r: Pattern) => {
      if (!seen.has(r.id)) {
        seen.add(r.id);
        stack.push(r);
      }
    };
    switch (q.k) {
      case K.Attribute: out.attributes.push(q.nc!); break;
      case K.Element: out.elements.push(q.nc!); break;
      case K.Text: out.text = true; break;
      case K.Choice: q.alts!.forEach(push); break;
      case K.Group: case K.Interleave: push(q.a!); push(q.b!); break;
      case K.OneOrMore: push(q.a!); break;
    }
  }
  memo.set(p.id, out);
  return out;
}

function names(nc: NameClass, into: Array<{ ns: string; local: string | undefined }>): void {
  const stack = [nc];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.kind === 'name') into.push({ ns: c.ns, local: c.local });
    else if (c.kind === 'nsName') {
      into.push({ ns: c.ns, local: undefined });
      if (c.except) stack.push(c.except);
    } else if (c.kind === 'anyName') {
      if (c.except) stack.push(c.except);
    } else stack.push(c.a, c.b);
  }
}

/** A name in both classes, if any (the spec's representative-name test). */
export function overlap(a: NameClass, b: NameClass): { ns: string; local: string } | undefined {
  const reps: Array<{ ns: string; local: string | undefined }> = [];
  names(a, reps);
  names(b, reps);
  reps.push({ ns: '\u0000fresh', local: undefined });
  for (const r of reps) {
    const local = r.local ?? '\u0000fresh';
    if (contains(a, r.ns, local) && contains(b, r.ns, local)) return { ns: r.ns, local };
  }
  return undefined;
}

const show = (n: { ns: string; local: string }) =>
  n.local === '\u0000fresh' ? (n.ns === '\u0000fresh' ? 'any name' : `names in namespace "${n.ns}"`) : `"${n.local}"`;

/** Problems between the operands of one group or interleave, as messages. */
export function checkOperands(kind: 'group' | 'interleave', items: Pattern[], memo: Map<number, Level>): string[] {
  if (items.length < 2) return [];
  const levels = items.map((p) => levelOf(p, memo));
  const out: string[] = [];
  for (let i = 0; i < levels.length; i++) {
    for (let j = i + 1; j < levels.length; j++) {
      for (const x of levels[i].attributes) {
        for (const y of levels[j].attributes) {
          const n = overlap(x, y);
          if (n) out.push(`duplicate attribute ${show(n)} in operands of <${kind}>`);
        }
      }
      if (kind === 'interleave') {
        for (const x of levels[i].elements) {
          for (const y of levels[j].elements) {
            const n = overlap(x, y);
            if (n) out.push(`overlapping element names (${show(n)}) in operands of <interleave>`);
          }
        }
        if (levels[i].text && levels[j].text) out.push('text in more than one operand of <interleave>');
      }
      if (out.length) return out.slice(0, 1);
    }
  }
  return out;
}

// Context of a pattern in the simplified schema: which ancestors (up to the nearest element).
const IN_ATTRIBUTE = 1;
const IN_LIST = 2;
const IN_EXCEPT = 4;
const IN_START = 8;
const IN_ONE_OR_MORE = 16;
/** Inside a group or interleave inside a oneOrMore (7.1.2). */
const IN_REPEATED_GROUP = 32;

const NAMES: Record<number, string> = {
  [K.Empty]: 'empty', [K.Text]: 'text', [K.Choice]: 'choice', [K.Interleave]: 'interleave', [K.Group]: 'group',
  [K.OneOrMore]: 'oneOrMore', [K.List]: 'list', [K.Data]: 'data', [K.Value]: 'value', [K.Attribute]: 'attribute', [K.Element]: 'element',
};

/** What each context forbids (7.1.1 attribute, 7.1.3 list, 7.1.4 data/except, 7.1.5 start). */
const FORBIDDEN: Array<[number, string, ReadonlySet<number>]> = [
  [IN_ATTRIBUTE, '<attribute>', new Set([K.Attribute, K.Element])],
  [IN_LIST, '<list>', new Set([K.List, K.Element, K.Attribute, K.Text, K.Interleave])],
  [IN_EXCEPT, '<except>', new Set([K.Attribute, K.Element, K.Text, K.List, K.Group, K.Interleave, K.OneOrMore, K.Empty])],
  [IN_START, '<start>', new Set([K.Attribute, K.Data, K.Value, K.Text, K.List, K.Group, K.Interleave, K.OneOrMore, K.Empty])],
];

// Content types of section 7.2, ordered so that the larger one is the choice's.
const EMPTY = 0;
const COMPLEX = 1;
const SIMPLE = 2;

/**
 * Checks the simplified schema reached from `start` and returns the elements it reaches (their
 * patterns). `locs` gives where a pattern was written;
 * patterns without one (shared leaves, inner nodes of a balanced group) are reported at the
 * nearest enclosing pattern that has one.
 */
export function checkSimplified(start: Pattern, locs: Map<number, Loc>, fallback: Loc, report: (loc: Loc, message: string) => void): Pattern[] {
  const seen = new Set<number>();
  const operandsChecked = new Set<number>();
  const levels = new Map<number, Level>();
  const contentTypes = new Map<number, number>();
  const elements: Pattern[] = [];
  const elementSeen = new Set<number>();
  // The walk's stack as three parallel arrays: no object per visit (schemas have 10^5 patterns).
  const ps: Pattern[] = [start];
  const bs: number[] = [IN_START];
  const ats: Loc[] = [locs.get(start.id) ?? fallback];
  const push = (q: Pattern, b: number, at: Loc): void => {
    ps.push(q);
    bs.push(b);
    ats.push(at);
  };

  const walk = (): void => {
    while (ps.length) {
      const p = ps.pop()!;
      const bits = bs.pop()!;
      const outer = ats.pop()!;
      const key = p.id * 64 + bits;
      if (seen.has(key)) continue;
      seen.add(key);
      const k = p.k;
      const at = k === K.Empty || k === K.Text || k === K.Data || k === K.Value ? outer : (locs.get(p.id) ?? outer);
      if (bits !== 0) {
        for (const [bit, where, forbidden] of FORBIDDEN) {
          if (bits & bit && forbidden.has(k)) {
            report(at, bit === IN_START ? `<${NAMES[k]}> is not allowed in <start> (it can only choose elements)` : `<${NAMES[k]}> is not allowed inside ${where}`);
            break;
          }
        }
      }
      switch (k) {
        case K.Element:
          if (!elementSeen.has(p.id)) {
            elementSeen.add(p.id);
            elements.push(p);
          }
          break;
        case K.Attribute:
          if (bits & IN_REPEATED_GROUP) report(at, 'attributes cannot be repeated: an <attribute> inside <group> or <interleave> inside <oneOrMore> (or <zeroOrMore>)');
          if (!isFinite(p.nc!) && !(bits & IN_ONE_OR_MORE)) report(at, 'an <attribute> with a wildcard name (anyName, nsName) must be inside <oneOrMore> or <zeroOrMore>');
          push(p.a!, IN_ATTRIBUTE, at);
          break;
        case K.Choice:
          for (const q of p.alts!) push(q, bits, at);
          break;
        case K.Group:
        case K.Interleave: {
          if (!operandsChecked.has(p.id)) {
            operandsChecked.add(p.id);
            for (const m of checkOperands(k === K.Group ? 'group' : 'interleave', [p.a!, p.b!], levels)) report(at, m);
          }
          const b = bits & IN_ONE_OR_MORE ? bits | IN_REPEATED_GROUP : bits;
          push(p.b!, b, at);
          push(p.a!, b, at);
          break;
        }
        case K.OneOrMore:
          push(p.a!, bits | IN_ONE_OR_MORE, at);
          break;
        case K.List:
          push(p.a!, bits | IN_LIST, at);
          break;
        case K.Data:
          if (p.a) push(p.a, IN_EXCEPT, at);
          break;
      }
    }
  };

  /** Section 7.2: the content type of a pattern; an ungroupable pair is reported (once) where it is. */
  const contentType = (p: Pattern, outer: Loc): number => {
    const known = contentTypes.get(p.id);
    if (known !== undefined) return known;
    const at = locs.get(p.id) ?? outer;
    let ct: number;
    switch (p.k) {
      case K.Empty:
      case K.NotAllowed:
        ct = EMPTY;
        break;
      case K.Attribute:
        contentType(p.a!, at);
        ct = EMPTY;
        break;
      case K.Text:
      case K.Element:
        ct = COMPLEX;
        break;
      case K.Data:
      case K.Value:
      case K.List:
        ct = SIMPLE;
        break;
      case K.Choice:
        ct = EMPTY;
        for (const q of p.alts!) ct = Math.max(ct, contentType(q, at));
        break;
      case K.OneOrMore:
      case K.Group:
      case K.Interleave: {
        const a = contentType(p.a!, at);
        const b = p.k === K.OneOrMore ? a : contentType(p.b!, at);
        if (a === EMPTY || b === EMPTY || (a === COMPLEX && b === COMPLEX)) ct = Math.max(a, b);
        else {
          const what = p.k === K.OneOrMore ? 'repeat' : p.k === K.Group ? 'group' : 'interleave';
          report(at, `${what} of "string" or "data" element: text of a data type or value cannot be ${p.k === K.OneOrMore ? 'repeated' : 'combined with other text or elements'}`);
          ct = COMPLEX;
        }
        break;
      }
      default:
        ct = COMPLEX;
    }
    contentTypes.set(p.id, ct);
    return ct;
  };

  walk();
  // Every element reached, with a fresh context; elements found on the way are added.
  for (let i = 0; i < elements.length; i++) {
    const decl = elements[i].el!;
    const at = locs.get(elements[i].id) ?? fallback;
    push(decl.content, 0, at);
    walk();
    contentType(decl.content, at);
  }
  return elements;
}
