// What every domain rule gets: the edited template as it is now (its current text), and the
// project whose other templates are known only through their TemplateInfo.
import type { Diagnostic } from '../../../common/diagnostic';
import type { ContextProject } from '../../../project/project';
import type { TemplateInfo } from '../../../project/template';
import type { XmlDocument } from '../../../xml/parse';

export interface DomainRuleInput {
  project: ContextProject;
  file: string;
  doc: XmlDocument;
  /** Extracted from `doc` (not the project's possibly stale copy). */
  info: TemplateInfo;
}

export type DomainRule = (input: DomainRuleInput) => Diagnostic[];

export const SOURCE = 'vm-context';
