// RELAX NG name classes (spec section 4.x / Clark's "contains"), interned by a key so the
// patterns that hold them can be hash-consed.

export interface QName {
  ns: string;
  local: string;
}

export type NameClass =
  | { kind: 'name'; ns: string; local: string; key: string }
  | { kind: 'anyName'; except?: NameClass; key: string }
  | { kind: 'nsName'; ns: string; except?: NameClass; key: string }
  | { kind: 'choice'; a: NameClass; b: NameClass; key: string };

/** Every name class has the same fields in the same order (unused ones undefined): one object
 *  shape, so `contains` (run on each start tag and attribute) stays monomorphic. */
function nameClass(kind: NameClass['kind'], ns: string | undefined, local: string | undefined, except: NameClass | undefined, a: NameClass | undefined, b: NameClass | undefined, key: string): NameClass {
  return { kind, ns, local, except, a, b, key } as NameClass;
}

export function ncName(ns: string, local: string): NameClass {
  return nameClass('name', ns, local, undefined, undefined, undefined, `{${ns}}${local}`);
}

export function ncAnyName(except?: NameClass): NameClass {
  return nameClass('anyName', undefined, undefined, except, undefined, undefined, except ? `*-(${except.key})` : '*');
}

export function ncNsName(ns: string, except?: NameClass): NameClass {
  return nameClass('nsName', ns, undefined, except, undefined, undefined, `{${ns}}*${except ? `-(${except.key})` : ''}`);
}

export function ncChoice(a: NameClass, b: NameClass): NameClass {
  return nameClass('choice', undefined, undefined, undefined, a, b, `(${a.key}|${b.key})`);
}

/** Whether the name class matches a name. Iterative over choices: they can be long. */
export function contains(nc: NameClass, ns: string, local: string): boolean {
  // Most name classes are one name.
  if (nc.kind === 'name') return nc.local === local && nc.ns === ns;
  const stack: NameClass[] = [nc];
  while (stack.length) {
    const c = stack.pop()!;
    switch (c.kind) {
      case 'name':
        if (c.ns === ns && c.local === local) return true;
        break;
      case 'anyName':
        if (!c.except || !contains(c.except, ns, local)) return true;
        break;
      case 'nsName':
        if (c.ns === ns && (!c.except || !contains(c.except, ns, local))) return true;
        break;
      case 'choice':
        stack.push(c.b, c.a);
        break;
    }
  }
  return false;
}

/** What a name class stands for, for messages and completion. */
export interface NameSummary {
  /** Concrete names it lists. */
  names: QName[];
  /** Wildcards: `anyName` (ns undefined) or `nsName`; they may exclude names. */
  wildcards: Array<{ ns?: string }>;
}

export function summarize(nc: NameClass, into: NameSummary = { names: [], wildcards: [] }): NameSummary {
  const stack: NameClass[] = [nc];
  while (stack.length) {
    const c = stack.pop()!;
    if (c.kind === 'name') into.names.push({ ns: c.ns, local: c.local });
    else if (c.kind === 'anyName') into.wildcards.push({});
    else if (c.kind === 'nsName') into.wildcards.push({ ns: c.ns });
    else stack.push(c.b, c.a);
  }
  return into;
}

/** True if the name class is made only of `name`s (so it can be listed exhaustively). */
export function isFinite(nc: NameClass): boolean {
  if (nc.kind === 'name') return true;
  if (nc.kind === 'choice') return isFinite(nc.a) && isFinite(nc.b);
  return false;
}
