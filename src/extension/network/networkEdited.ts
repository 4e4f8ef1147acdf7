// The walkthrough's step "Describe the guests' network" is done once a project's
// common/network has been saved or changed on disk: a context key its completion event waits on.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { ContextKeys } from '../constants';
import { isNetworkFile } from '../../core/network/contextPaths';
import { completeWalkthroughStep } from '../project/walkthroughSteps';

export function registerNetworkEditedContext(services: Services): void {
  let done = false;
  const check = async (uri: vscode.Uri) => {
    if (done) return;
    const project = await services.projects.projectFor(uri);
    if (!project || !isNetworkFile(project, uri.fsPath)) return;
    done = true;
    await vscode.commands.executeCommand('setContext', ContextKeys.networkEdited, true);
    await completeWalkthroughStep(services, 'editNetwork');
  };
  const safely = (uri: vscode.Uri) => void check(uri).catch((e) => services.log.warn(`walkthrough: ${e}`));
  services.context.subscriptions.push(
    vscode.workspace.onDidSaveTextDocument((d) => safely(d.uri)),
    services.projects.onDidChangeFile(safely),
  );
}
