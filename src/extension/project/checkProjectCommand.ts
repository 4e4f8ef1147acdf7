import * as vscode from 'vscode';
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { countOf } from '../../core/common/text';

/** "VM Context: Check Project": every file of every project into the Problems panel. */
export function registerCheckProjectCommand(services: Services): void {
  registerCommand(services, Commands.checkProject, async () => {
    const roots = await services.projects.projectRoots();
    if (roots.length === 0) {
      void vscode.window.showInformationMessage('VM Context: this workspace has no context project (a folder with context/post-install or vmcontext.json).');
      return undefined;
    }
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'VM Context: checking' },
      () => services.diagnostics.checkAll(),
    );
    services.log.info(`check: ${countOf(summary.errors, 'error')}, ${countOf(summary.warnings, 'warning')} in ${countOf(summary.files, 'file')}`);
    if (summary.errors + summary.warnings > 0) await vscode.commands.executeCommand('workbench.actions.view.problems');
    else void vscode.window.showInformationMessage(`VM Context: no problems in ${roots.length === 1 ? 'the project' : `${roots.length} projects`}.`);
    return summary;
  });
}
