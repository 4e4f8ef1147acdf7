// Forms old libvirt accepted and current libvirt rejects, each with a fix to today's form.
import { diagnostic, type Diagnostic } from '../../../common/diagnostic';
import { attribute, findAll } from '../../../xml/parse';
import { SOURCE, type DomainRuleInput } from './ruleInput';

export function legacyFormsRule({ doc }: DomainRuleInput): Diagnostic[] {
  const root = doc.root;
  if (!root) return [];
  const out: Diagnostic[] = [];
  const r = (s: { start: number; end: number }) => doc.lines.rangeOf(s.start, s.end);
  for (const clock of findAll(root, ['clock'])) {
    const sync = attribute(clock, 'sync');
    if (!sync) continue;
    const offset = attribute(clock, 'offset');
    // With an offset already there the old attribute just goes (with the space before it).
    let start = sync.span.start;
    while (start > 0 && /\s/.test(doc.text[start - 1])) start--;
    const edits = offset ? [{ range: r({ start, end: sync.span.end }), newText: '' }] : [{ range: r(sync.nameSpan), newText: 'offset' }];
    out.push(
      diagnostic('domain-legacy-form', 'error', `<clock sync="${sync.value}"> is the pre-0.8 form; libvirt now writes <clock offset="${sync.value}">`, r(sync.nameSpan), {
        source: SOURCE,
        fixes: [{ title: offset ? 'Remove the old sync attribute' : `Write offset="${sync.value}"`, edits, preferred: true }],
      }),
    );
  }
  return out;
}
