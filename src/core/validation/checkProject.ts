// One entry point for "every diagnostic of the project" (vmctx check) and for one document
// (the extension, as the user types).
import type { Diagnostic, FileDiagnostics } from '../common/diagnostic';
import { compareDiagnostics, diagnostic, zeroRange } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import type { ContextProject } from '../project/project';
import type { Settings } from '../settings';
import type { DomainSchemas } from './domain/domainSchema';
import { fileValidators } from './validators';
import { projectChecks } from './project/projectChecks';

/** Reads a file's current text: an open editor's, else the disk's. Undefined if it is gone. */
export type TextReader = (file: string) => Promise<string | undefined>;

/** The files of the project that some validator checks. */
export function checkedFiles(project: ContextProject): string[] {
  const files = new Set<string>();
  for (const t of project.templates) files.add(t.file);
  for (const f of project.contextFiles) files.add(f.path);
  for (const f of project.cloudInit?.files ?? []) files.add(f.path);
  return [...files].filter((f) => fileValidators.some((v) => v.appliesTo(project, f))).sort();
}

/** Diagnostics for one file's text. A validator that throws becomes a diagnostic, not a crash. */
export function validateDocument(project: ContextProject, file: string, text: string, settings: Settings, schemas: DomainSchemas): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of fileValidators) {
    if (!v.appliesTo(project, file)) continue;
    try {
      out.push(...v.validate({ project, file, text, settings, schemas }));
    } catch (e) {
      out.push(diagnostic('internal-error', 'error', `the ${v.id} validator failed: ${errorMessage(e)} (please report this)`, zeroRange, { source: 'vm-context' }));
    }
  }
  return out.sort(compareDiagnostics);
}

export async function checkProject(project: ContextProject, read: TextReader, settings: Settings, schemas: DomainSchemas): Promise<FileDiagnostics[]> {
  const byFile = new Map<string, Diagnostic[]>();
  const push = (file: string, ds: Diagnostic[]) => {
    if (ds.length) byFile.set(file, [...(byFile.get(file) ?? []), ...ds]);
  };
  for (const fd of projectChecks(project)) push(fd.file, fd.diagnostics);
  for (const file of checkedFiles(project)) {
    let text: string | undefined;
    try {
      text = await read(file);
    } catch (e) {
      push(file, [diagnostic('project-unreadable', 'error', `cannot read ${file}: ${errorMessage(e)}`, zeroRange, { source: 'vm-context' })]);
      continue;
    }
    if (text !== undefined) push(file, validateDocument(project, file, text, settings, schemas));
  }
  return [...byFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([file, diagnostics]) => ({ file, diagnostics: diagnostics.sort(compareDiagnostics) }));
}
