// Runs the core build (the same engine as `vmctx build`) for one project with progress and
// cancellation, logs every step, and reports the result. Callers check workspace trust first.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { build, displayPath } from '../../core/node/build';
import { buildInputsFromProject } from '../../core/build/inputs';
import type { BuildResult } from '../../core/build/plan';
import type { ContextProject } from '../../core/project/project';
import type { Services } from '../services';

export type BuildScope = 'all' | 'iso' | 'overlays';

const titles: Record<BuildScope, string> = { all: 'Building', iso: 'Building context.iso', overlays: 'Creating overlays' };

export async function runProjectBuild(services: Services, project: ContextProject, scope: BuildScope, force = false): Promise<BuildResult> {
  const settings = services.settings.current;
  const inputs = buildInputsFromProject(project);
  const name = path.basename(project.root);
  const shown = (p: string) => displayPath(project.root, p);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `VM Context: ${titles[scope]} ${name}`, cancellable: true },
    (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let last = 0;
      return build(inputs, {
        only: scope === 'all' ? undefined : scope,
        isoBackend: settings.build.isoBackend,
        overlayBackend: settings.build.overlayBackend,
        tools: settings.tools,
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
  for (const o of result.outcomes) services.log[o.ok ? 'info' : 'error'](`build ${name}: ${shown(o.output)} ${o.ok ? 'written' : 'FAILED'} (${o.backend}, ${o.ms} ms): ${o.message}`);
  for (const s of result.skipped) services.log.info(`build ${name}: ${shown(s.output)} kept: ${s.reason}`);
  for (const p of result.problems) services.log[p.severity === 'error' ? 'error' : 'warn'](`build ${name}: ${shown(p.file)}: ${p.message}`);
  await services.projects.reload(project.root);
  void report(services, name, result, shown);
  return result;
}

async function report(services: Services, name: string, result: BuildResult, shown: (p: string) => string): Promise<void> {
  const written = result.outcomes.filter((o) => o.ok).map((o) => shown(o.output));
  const failed = [...result.outcomes.filter((o) => !o.ok).map((o) => `${shown(o.output)}: ${o.message}`), ...result.problems.filter((p) => p.severity === 'error').map((p) => `${shown(p.file)}: ${p.message}`)];
  if (failed.length) {
    const choice = await vscode.window.showErrorMessage(`VM Context: the build of ${name} failed: ${failed[0]}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}`, 'Show Log');
    if (choice === 'Show Log') services.log.show(true);
    return;
  }
  const kept = result.skipped.length ? `; ${result.skipped.length} up to date or kept` : '';
  void vscode.window.showInformationMessage(
    written.length ? `VM Context: built ${written.join(', ')}${kept}.` : `VM Context: ${name} is up to date${kept}.`,
  );
}
