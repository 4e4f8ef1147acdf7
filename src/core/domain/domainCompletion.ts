// Completion in a domain template, from the schema at the cursor ("what may come here" of the
// RELAX NG engine), documented from our template schema. Plain data; the adapter maps it.
import { whatMayComeHere } from '../relaxng';
import type { Settings } from '../settings';
import { parseXml, type Span } from '../xml/parse';
import type { DomainSchemas } from '../validation/domain/domainSchema';
import { cursorContext } from './cursor';

export interface DomainCompletion {
  label: string;
  kind: 'element' | 'attribute' | 'value';
  /** Text replacing `replace`; `$1` marks where the cursor goes (a snippet). */
  insertText: string;
  replace: Span;
  documentation?: string;
}

export function completeDomain(text: string, offset: number, settings: Settings, schemas: DomainSchemas): DomainCompletion[] {
  const ctx = cursorContext(text, offset);
  if (ctx.kind === 'none') return [];
  const schema = schemas.load(settings);
  if (!schema) return [];
  const doc = parseXml(ctx.query.text);
  const expected = whatMayComeHere(schema.schema, doc, ctx.query.offset);
  const docs = schemas.docs();
  const parentOf = (name: string | undefined) => {
    // The element enclosing the query position, for docs keyed by parent.
    let el = doc.root;
    let parent: string | undefined;
    while (el) {
      const next = el.children.find((c) => c.kind === 'element' && ctx.query.offset > c.span.start && (!c.closed || ctx.query.offset < c.span.end));
      if (!next || next.kind !== 'element') break;
      parent = el.local;
      el = next;
    }
    return el?.local === name ? parent : el?.local;
  };
  if (ctx.kind === 'elementName') {
    const parent = doc.root ? parentOf(undefined) : undefined;
    return unique(expected.elements).map((name) => ({
      label: name,
      kind: 'element' as const,
      insertText: `${name}$1>$0</${name}>`,
      replace: ctx.replace,
      documentation: docs.element(parent, name),
    }));
  }
  if (ctx.kind === 'attributeName') {
    const parent = parentOf(ctx.element);
    return unique(expected.attributes)
      .filter((a) => !ctx.present.includes(a) && !a.startsWith('xmlns'))
      .map((name) => ({ label: name, kind: 'attribute' as const, insertText: `${name}='$1'`, replace: ctx.replace, documentation: docs.attribute(ctx.element, parent, name) }));
  }
  return unique(expected.values).map((v) => ({ label: v, kind: 'value' as const, insertText: v, replace: ctx.replace }));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}
