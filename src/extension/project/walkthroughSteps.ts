// Ticks a step of the walkthrough "Get started with VM Context" once the user has done it.
// The steps' completionEvents alone are not enough: VS Code creates its walkthrough service
// only when a walkthrough is first shown, so an `onCommand:` event that fired before is never
// seen, and an `onContext:` key already true when the service registers the step is recorded
// as seen without ticking it (VS Code 1.99). welcome.markStepComplete records it either way.
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../constants';
import type { Services } from '../services';
import { errorMessage } from '../../core/common/errors';

export const WALKTHROUGH_ID = 'vmContext.gettingStarted';

export type WalkthroughStep = 'newProject' | 'editNetwork' | 'newFleet' | 'build';

export async function completeWalkthroughStep(services: Services, step: WalkthroughStep): Promise<void> {
  try {
    await vscode.commands.executeCommand('welcome.markStepComplete', `${EXTENSION_ID}#${WALKTHROUGH_ID}#${step}`);
  } catch (e) {
    // A host without walkthroughs (or another command name): the tick is a nicety, never a failure.
    services.log.warn(`walkthrough: cannot tick the step ${step}: ${errorMessage(e)}`);
  }
}
