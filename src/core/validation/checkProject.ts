// One entry point for "every diagnostic of the project": `vmctx check` reads the disk, the
// extension passes the open editors' unsaved texts as overlays and runs it in the background.
import type { Diagnostic, FileDiagnostics } from '../common/diagnostic';
import { compareDiagnostics, diagnostic, zeroRange } from '../common/diagnostic';
import { errorMessage } from '../common/errors';
import type { ContextProject } from '../project/project';
import type { Settings } from '../settings';
import type { DomainSchemas } from './domain/domainSchema';
import { fileValidators } from './validators';
import { projectChecks } from './project/projectChecks';
import { withNetworkText } from '../network/projectNetwork';
import { isNetworkFile } from '../network/contextPaths';
import { describeTemplate } from '../project/template';
import { parseXml } from '../xml/parse';
import { MAX_TEMPLATE_CHARS } from './domain/templateValidator';

/** Reads a file's current text: an open editor's, else the disk's. Undefined if it is gone. */
export type TextReader = (file: string) => Promise<string | undefined>;

/** The files of the project that some validator checks. */
export function checkedFiles(project: ContextProject): string[] {
  const files = new Set<string>();
  for (const t of project.templates) files.add(t.file);
  // Not a pipe, a folder or a link to nothing: reading a pipe would block for good. Only the
  // guest's own files (post-install, common/network, common/routes) have a validator: the
  // thousands of other files a context may hold are not each asked of every validator.
  for (let i = 0; i < project.contextFiles.length; i++) {
    const f = project.contextFiles[i];
    if (f.notAFile === undefined && f.role !== 'other') files.add(f.path);
  }
  for (const f of project.cloudInit?.files ?? []) files.add(f.path);
  return [...files].filter((f) => fileValidators.some((v) => v.appliesTo(project, f))).sort();
}

/** Diagnostics for one file's text. A validator that throws becomes a diagnostic, not a crash. */
export function validateDocument(project: ContextProject, file: string, text: string, settings: Settings, schemas: DomainSchemas, loadedText = false): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const v of fileValidators) {
    if (!v.appliesTo(project, file)) continue;
    try {
      out.push(...v.validate({ project, file, text, settings, schemas, loadedText }));
    } catch (e) {
      out.push(diagnostic('internal-error', 'error', `the ${v.id} validator failed: ${errorMessage(e)} (please report this)`, zeroRange, { source: 'vm-context' }));
    }
  }
  return out.sort(compareDiagnostics);
}

export interface CheckOptions {
  /** Texts that win over the disk (open editors' unsaved texts), by absolute path. */
  overlays?: ReadonlyMap<string, string>;
  /** Aborted when a newer edit makes this run useless: checked between files. */
  signal?: AbortSignal;
  /** Awaited between files so a long check never blocks its event loop. */
  pause?: () => Promise<void>;
  /** Only these files' diagnostics (a build checks just the inputs of what it makes). */
  include?: (file: string) => boolean;
  /**
   * Validates the documents all at once (the CLI spreads them over worker threads) instead of
   * one by one with validateDocument; answers in the jobs' order. The project is the one with
   * its overlays.
   */
  validateMany?: (project: ContextProject, jobs: DocumentJob[]) => Promise<Diagnostic[][]>;
}

/** One file's text to validate. */
export interface DocumentJob {
  file: string;
  text: string;
}

/**
 * The project as its overlays make it: common/network and the templates' model (names, MACs,
 * ranges) follow the unsaved texts, so cross-file rules and fixes see what the editors show.
 */
export function withOverlays(project: ContextProject, overlays: ReadonlyMap<string, string> | undefined): ContextProject {
  if (!overlays?.size) return project;
  let out = project;
  for (const [file, text] of overlays) if (isNetworkFile(project, file)) out = withNetworkText(out, text);
  if (project.templates.some((t) => overlays.has(t.file))) {
    out = {
      ...out,
      templates: project.templates.map((t) => {
        const text = overlays.get(t.file);
        if (text === undefined || text.length > MAX_TEMPLATE_CHARS) return t;
        const info = describeTemplate(t.file, parseXml(text));
        // A template being retyped stays in the project even while its root is not <domain>.
        return info.isDomain ? info : t;
      }),
    };
  }
  return out;
}

export async function checkProject(project: ContextProject, read: TextReader, settings: Settings, schemas: DomainSchemas, options: CheckOptions = {}): Promise<FileDiagnostics[]> {
  const { overlays, signal, pause, include = () => true, validateMany } = options;
  project = withOverlays(project, overlays);
  const byFile = new Map<string, Diagnostic[]>();
  const push = (file: string, ds: Diagnostic[]) => {
    if (ds.length) byFile.set(file, [...(byFile.get(file) ?? []), ...ds]);
  };
  for (const fd of projectChecks(project)) if (include(fd.file)) push(fd.file, fd.diagnostics);
  const jobs: DocumentJob[] = [];
  for (const file of checkedFiles(project)) {
    if (!include(file)) continue;
    signal?.throwIfAborted();
    let text: string | undefined = overlays?.get(file);
    try {
      if (text === undefined) text = await read(file);
    } catch (e) {
      push(file, [diagnostic('project-unreadable', 'error', `cannot read ${file}: ${errorMessage(e)}`, zeroRange, { source: 'vm-context' })]);
      continue;
    }
    if (text !== undefined) {
      if (validateMany) jobs.push({ file, text });
      else push(file, validateDocument(project, file, text, settings, schemas));
    }
    if (pause) await pause();
  }
  if (validateMany) {
    const found = await validateMany(project, jobs);
    jobs.forEach((job, i) => push(job.file, found[i]));
  }
  signal?.throwIfAborted();
  return [...byFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([file, diagnostics]) => ({ file, diagnostics: diagnostics.sort(compareDiagnostics) }));
}
