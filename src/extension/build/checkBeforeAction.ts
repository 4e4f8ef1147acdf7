// Build and Deploy (commands and tasks) check the project first, with the core's
// checkBeforeBuild (as `vmctx build` and `vmctx deploy` do), and refuse a project with errors
// unless vmContext.build.allowErrors is set. The check's problems go to the Problems panel.
import * as vscode from 'vscode';
import type { ContextProject } from '../../core/project/project';
import { checkBeforeBuild, type BuildScope, type GatedAction, type Preflight } from '../../core/validation/checkBeforeBuild';
import type { Services } from '../services';

export const ALLOW_ERRORS_SETTING = 'vmContext.build.allowErrors';
const SHOW_PROBLEMS = 'Show Problems';

/**
 * Checks `project` (open editors' unsaved text included) or, for a build of part of it, the
 * inputs of that part; logs the verdict and shows its problems.
 */
export async function checkBeforeAction(services: Services, project: ContextProject, action: GatedAction, scope: BuildScope = 'all'): Promise<Preflight> {
  const settings = services.settings.forResource(project.root);
  const pre = await checkBeforeBuild(project, services.diagnostics.readText, settings, services.schemas, {
    action,
    allowErrors: settings.build.allowErrors,
    override: `the setting ${ALLOW_ERRORS_SETTING}`,
    scope,
  });
  // Publishing replaces the project's problems: a partial check would hide the others'.
  if (pre.complete) services.diagnostics.publish(project.root, pre.results);
  const log = pre.summary.errors ? services.log.warn : services.log.info;
  log.call(services.log, `${action}: ${pre.headline}${pre.errorLines.length ? '\n' + pre.errorLines.join('\n') : ''}`);
  return pre;
}

/** Tells the user why nothing was built or deployed, or that it went ahead despite errors. */
export async function reportCheck(pre: Preflight): Promise<void> {
  if (pre.summary.errors === 0) return;
  const show = pre.proceed
    ? await vscode.window.showWarningMessage(`VM Context: ${pre.headline}.`, SHOW_PROBLEMS)
    : await vscode.window.showErrorMessage(`VM Context: ${pre.headline}.`, SHOW_PROBLEMS);
  if (show === SHOW_PROBLEMS) await vscode.commands.executeCommand('workbench.actions.view.problems');
}
