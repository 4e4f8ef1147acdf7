// Runs the core build (the same engine as `vmctx build`) for one project with progress and
// cancellation, logs every step, and reports the result. Callers check workspace trust first.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { build } from '../../core/build/buildEngine';
import { displayPath } from '../../core/common/paths';
import { buildInputsFromProject } from '../../core/build/buildInputs';
import type { BuildProgress, BuildResult } from '../../core/build/buildPlan';
import { buildReportLines } from '../../core/build/buildReport';
import { printable } from '../../core/common/text';
import type { ContextProject } from '../../core/project/project';
import type { Services } from '../services';
import { checkBeforeAction, reportCheck } from './checkBeforeAction';
import type { BuildScope } from '../../core/validation/checkBeforeBuild';
import { countOf } from '../../core/common/text';

export type { BuildScope };

/** What a build of `scope` makes, in words: the image half is the seeds in a NoCloud project. */
export function scopeTitle(project: ContextProject, scope: BuildScope): string {
  if (scope === 'iso') return project.flavor === 'nocloud' ? 'Building seeds' : 'Building context.iso';
  return scope === 'all' ? 'Building' : 'Creating overlays';
}

/**
 * The one way the extension builds (commands and tasks): the core build with the settings'
 * backends and tool paths, its report in the log, then a project reload so the explorer updates.
 */
export async function buildProject(
  services: Services,
  project: ContextProject,
  scope: BuildScope,
  options: { force?: boolean; signal?: AbortSignal; onProgress?: (p: BuildProgress) => void } = {},
): Promise<BuildResult> {
  const settings = services.settings.forResource(project.root);
  const name = path.basename(project.root);
  const result = await build(buildInputsFromProject(project), {
    only: scope === 'all' ? undefined : scope,
    isoBackend: settings.build.isoBackend,
    overlayBackend: settings.build.overlayBackend,
    tools: settings.tools,
    force: !!options.force,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  for (const l of buildReportLines(result, (p) => displayPath(project.root, p))) {
    services.log[l.stream === 'out' ? 'info' : 'warn'](`build ${name}: ${l.text}`);
  }
  await services.projects.reload(project.root);
  return result;
}

/**
 * Checks the project, then (unless it has errors and they are not allowed) builds with a
 * cancellable progress notification and tells the user how it went. Undefined when refused.
 */
export async function runProjectBuild(services: Services, project: ContextProject, scope: BuildScope, force = false): Promise<BuildResult | undefined> {
  const pre = await checkBeforeAction(services, project, 'build', scope);
  void reportCheck(pre);
  if (!pre.proceed) return undefined;
  const name = path.basename(project.root);
  const shown = (p: string) => displayPath(project.root, p);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `VM Context: ${scopeTitle(project, scope)} ${name}`, cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let last = 0;
      return buildProject(services, project, scope, {
        force,
        signal: abort.signal,
        onProgress: (p) => {
          const pct = p.fraction !== undefined ? Math.round(p.fraction * 100) : undefined;
          const increment = pct !== undefined && pct > last ? pct - last : undefined;
          if (pct !== undefined) last = pct;
          progress.report({ message: `${shown(p.output)}: ${p.message}`, increment });
        },
      }).finally(() => sub.dispose());
    },
  );
  void report(services, name, result, shown, pre.summary.warnings);
  return result;
}

async function report(services: Services, name: string, result: BuildResult, shown: (p: string) => string, warnings: number): Promise<void> {
  const written = result.outcomes.filter((o) => o.ok).map((o) => shown(o.output));
  const failed = [...result.outcomes.filter((o) => !o.ok).map((o) => `${shown(o.output)}: ${o.message}`), ...result.problems.filter((p) => p.severity === 'error').map((p) => `${shown(p.file)}: ${p.message}`)];
  if (failed.length) {
    const choice = await vscode.window.showErrorMessage(`VM Context: the build of ${name} failed: ${printable(failed[0], 1000)}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}`, 'Show Log');
    if (choice === 'Show Log') services.log.show(true);
    return;
  }
  const kept = (result.skipped.length ? `; ${result.skipped.length} up to date or kept` : '') + (warnings ? ` (the project has ${countOf(warnings, 'warning')})` : '');
  void vscode.window.showInformationMessage(
    written.length ? `VM Context: built ${written.join(', ')}${kept}.` : `VM Context: ${name} is up to date${kept}.`,
  );
}
