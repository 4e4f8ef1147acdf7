// Build and deploy check the project first and refuse one with errors: one function for the
// CLI (`vmctx build`, `vmctx deploy`), the VS Code commands and the tasks.
import * as path from 'node:path';
import type { FileDiagnostics } from '../common/diagnostic';
import { formatText, toJsonDiagnostics } from '../common/diagnosticFormat';
import { countOf } from '../common/text';
import { isInside } from '../common/paths';
import type { ContextProject } from '../project/project';
import type { DomainSchemas } from './domain/domainSchema';
import type { Settings } from '../settings';
import { checkProject, checkedFiles, type TextReader } from './checkProject';

export interface CheckSummary {
  /** Files looked at: the manifest, the templates and the checked context files. */
  files: number;
  errors: number;
  warnings: number;
  /** Information and hints. */
  notes: number;
}

export function summarizeCheck(project: ContextProject, results: FileDiagnostics[], include: (file: string) => boolean = () => true): CheckSummary {
  const all = results.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  const manifest = project.manifestPath && include(project.manifestPath) ? 1 : 0;
  return { files: checkedFiles(project).filter(include).length + manifest, errors, warnings, notes: all.length - errors - warnings };
}

/** What a build makes: everything, or one kind of output (`vmctx build --only iso|overlays`). */
export type BuildScope = 'all' | 'iso' | 'overlays';

/**
 * Whether `file` is an input of the outputs of `scope`, so that its problems may refuse that
 * build. A Snooze context.iso is made of the context folder (and the manifest's label and
 * paths): a broken template does not stop it. The overlays are made from the templates, the
 * base image and the manifest, not from the context folder or cloud-init/. NoCloud seeds read
 * the templates (names, MACs) and cloud-init/, so they are checked whole.
 */
export function buildReads(project: ContextProject, scope: BuildScope): ((file: string) => boolean) | undefined {
  if (scope === 'iso' && project.flavor !== 'nocloud') {
    return (file) => file === project.root || file === project.manifestPath || isInside(project.contextDir, file);
  }
  if (scope === 'overlays') {
    const cloudInit = project.cloudInit?.dir;
    return (file) => !(project.flavor !== 'nocloud' && isInside(project.contextDir, file)) && !(cloudInit && isInside(cloudInit, file));
  }
  return undefined;
}

const SCOPE_NOTE: Record<BuildScope, string> = { all: '', iso: ' (the inputs of the ISO)', overlays: ' (the inputs of the overlays)' };

/** "2 errors, 1 warning" or "no problems". */
export function problemCounts(s: Pick<CheckSummary, 'errors' | 'warnings' | 'notes'>): string {
  const parts: string[] = [];
  if (s.errors) parts.push(countOf(s.errors, 'error'));
  if (s.warnings) parts.push(countOf(s.warnings, 'warning'));
  if (s.notes) parts.push(countOf(s.notes, 'note'));
  return parts.length ? parts.join(', ') : 'no problems';
}

/** The one-line summary `vmctx check` ends with, e.g. "checked 6 files: 1 error, 2 warnings". */
export function checkSummaryLine(s: CheckSummary): string {
  return `checked ${countOf(s.files, 'file')}: ${problemCounts(s)}`;
}

export type GatedAction = 'build' | 'deploy';

export interface PreflightOptions {
  action: GatedAction;
  /** Go ahead despite errors (`--allow-errors`, the setting vmContext.build.allowErrors). */
  allowErrors?: boolean;
  /** How the user overrides, for the message: e.g. "--allow-errors". */
  override: string;
  /** A build of part of the outputs checks only their inputs (default: all). */
  scope?: BuildScope;
}

export interface Preflight {
  results: FileDiagnostics[];
  summary: CheckSummary;
  /** False when the project has errors and they are not allowed: do not build or deploy. */
  proceed: boolean;
  /** One line on what was decided, e.g. "refused to build: the project has 2 errors …". */
  headline: string;
  /** The errors as `file:line:column: error code: message`, relative to the project. */
  errorLines: string[];
  /** Whether `results` cover the whole project, or only the inputs of a partial build. */
  complete: boolean;
}

export async function checkBeforeBuild(project: ContextProject, read: TextReader, settings: Settings, schemas: DomainSchemas, options: PreflightOptions): Promise<Preflight> {
  const scope = options.action === 'build' ? (options.scope ?? 'all') : 'all';
  const include = buildReads(project, scope);
  const results = await checkProject(project, read, settings, schemas, { include });
  const summary = summarizeCheck(project, results, include);
  const errorsOnly = results.map((r) => ({ file: r.file, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') }));
  const errorLines = formatText(toJsonDiagnostics(errorsOnly, project.root)).split('\n').filter(Boolean);
  const name = path.basename(project.root) + (include ? SCOPE_NOTE[scope] : '');
  const warnings = summary.warnings ? `; ${countOf(summary.warnings, 'warning')} (vmctx check lists them)` : '';
  let headline: string;
  let proceed = true;
  if (summary.errors === 0) headline = `checked ${name}: ${summary.warnings ? countOf(summary.warnings, 'warning') : 'no errors'}`;
  else if (options.allowErrors) headline = `${options.action === 'build' ? 'building' : 'deploying'} ${name} despite ${countOf(summary.errors, 'error')}, as ${options.override} asks${warnings}`;
  else {
    proceed = false;
    headline = `refused to ${options.action} ${name}: it has ${countOf(summary.errors, 'error')} (fix them, or use ${options.override} to ${options.action} anyway)${warnings}`;
  }
  return { results, summary, proceed, headline, errorLines, complete: !include };
}
