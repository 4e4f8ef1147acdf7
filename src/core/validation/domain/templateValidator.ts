// Domain templates: well-formedness, the libvirt schema, then the libvirt and context-project
// semantics the schema cannot see. Cross-template rules read the other templates' TemplateInfo.
import { diagnostic, zeroRange, type Diagnostic } from '../../common/diagnostic';
import { MAX_TEMPLATE_BYTES, describeTemplate, type TemplateInfo } from '../../project/template';
import { parseXml, wellFormednessDiagnostics } from '../../xml/parse';
import type { FileValidator } from '../validator';
import { schemaDiagnostics } from './schemaDiagnostics';
import type { DomainRule } from './rules/ruleInput';
import { cdromBusRule, ideOnQ35Rule, scsiControllerRule, targetDuplicateRule } from './rules/diskRules';
import { macIpRule, macMulticastRule } from './rules/macRules';
import { duplicateRule } from './rules/duplicateRules';
import { bridgeMismatchRule, contextIsoPathRule, diskNotOverlayRule } from './rules/layoutRules';
import { legacyFormsRule } from './rules/legacyForms';
import { domainNameRule } from './rules/nameRules';

/** Bigger texts are not parsed at all (the loader's limit, in characters for an editor's text). */
export const MAX_TEMPLATE_CHARS = MAX_TEMPLATE_BYTES;

export const domainRules: DomainRule[] = [
  domainNameRule,
  cdromBusRule,
  ideOnQ35Rule,
  scsiControllerRule,
  targetDuplicateRule,
  macMulticastRule,
  macIpRule,
  duplicateRule,
  diskNotOverlayRule,
  contextIsoPathRule,
  bridgeMismatchRule,
  legacyFormsRule,
];

// A project's templates by file, once per templates list (never mutated): a check of 1,000
// templates asked the list for each file, 2M comparisons.
const byFile = new WeakMap<readonly TemplateInfo[], Map<string, TemplateInfo>>();
function templateByFile(templates: readonly TemplateInfo[]): Map<string, TemplateInfo> {
  let m = byFile.get(templates);
  if (!m) byFile.set(templates, (m = new Map(templates.map((t) => [t.file, t]))));
  return m;
}

export const templateValidator: FileValidator = {
  id: 'domain',
  appliesTo: ({ templates }, file) => templateByFile(templates).has(file),
  validate: ({ project, file, text, settings, schemas, loadedText }) => {
    const refused = refuseInput(text);
    if (refused) return [refused];
    const doc = parseXml(text, { cache: !loadedText });
    const out = wellFormednessDiagnostics(doc);
    if (doc.error || doc.root?.local !== 'domain') return out;
    out.push(...schemaDiagnostics(doc, settings, schemas));
    // The project's own info (the cross-template rules know it by identity), else this text's.
    const info = (loadedText && templateByFile(project.templates).get(file)) || describeTemplate(file, doc);
    for (const rule of domainRules) out.push(...rule({ project, file, doc, info }));
    return out;
  },
};

/** Text that is not worth parsing: binary data, or far too big. */
function refuseInput(text: string): Diagnostic | undefined {
  if (text.length > MAX_TEMPLATE_CHARS) {
    const mb = (text.length / 1024 / 1024).toFixed(1);
    return diagnostic('xml-too-large', 'error', `not checked, built or deployed: the file is ${mb} MB (limit ${MAX_TEMPLATE_CHARS / 1024 / 1024} MB); a domain template is a few KB`, zeroRange, { source: 'vm-context' });
  }
  const head = text.slice(0, 8192);
  const nul = head.indexOf('\u0000');
  if (nul >= 0 || (head.match(/\uFFFD/g)?.length ?? 0) > 8) {
    return diagnostic('xml-malformed', 'error', 'XML is not well-formed: this is a binary file, not XML text', zeroRange, { source: 'vm-context' });
  }
  return undefined;
}
