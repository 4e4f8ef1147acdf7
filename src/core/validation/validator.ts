// A validator checks one kind of file of a context project. The CLI checks every file from
// disk; the extension checks open documents as the user types. Both call validateDocument.
import type { Diagnostic } from '../common/diagnostic';
import type { ContextProject } from '../project/project';
import type { Settings } from '../settings';
import type { DomainSchemas } from './domain/domainSchema';

export interface ValidationInput {
  project: ContextProject;
  /** Absolute path of the file. */
  file: string;
  /** The text to check (an editor's unsaved text, or the file on disk). */
  text: string;
  settings: Settings;
  /** The process's domain schemas (created once by the CLI or the extension). */
  schemas: DomainSchemas;
  /**
   * The text is the one the project was loaded from, checked once (`vmctx check`): a template's
   * TemplateInfo in the project stands for it, and its parsed document is not kept.
   */
  loadedText?: boolean;
}

export interface FileValidator {
  /** Short id used in logs, e.g. `domain`. */
  id: string;
  appliesTo(project: ContextProject, file: string): boolean;
  validate(input: ValidationInput): Diagnostic[];
}
