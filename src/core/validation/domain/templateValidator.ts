// Domain templates: well-formedness now; schema and libvirt semantics join here.
import { parseXml, wellFormednessDiagnostics } from '../../xml/parse';
import type { FileValidator } from '../validator';

export const templateValidator: FileValidator = {
  id: 'domain',
  appliesTo: (project, file) => project.templates.some((t) => t.file === file),
  validate: ({ text }) => wellFormednessDiagnostics(parseXml(text)),
};
