// Section 7 restrictions that concern whole operands: the same attribute twice in a group or
// interleave (7.3), and overlapping elements or text on both sides of an interleave (7.4).
// They are checked on the simplified operands of each group/interleave of the schema.
import { K, type Pattern } from './patterns';
import { contains, type NameClass } from './nameClass';

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
