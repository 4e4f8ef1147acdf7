import * as vscode from 'vscode';
import { CancelledError, UserError, ioErrorMessage } from '../core/common/errors';
import { printable } from '../core/common/text';
import type { Services } from './services';

/**
 * Registers a command whose failures are logged and shown once, with "Show Log";
 * a cancellation is silent.
 */
export function registerCommand(services: Services, id: string, run: (...args: unknown[]) => unknown): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (e) {
        if (e instanceof CancelledError || e instanceof vscode.CancellationError) return undefined;
        services.log.error(e instanceof Error ? e : String(e));
        const message = e instanceof UserError && e.hint ? `${e.message} ${e.hint}` : ioErrorMessage(e);
        // The message may quote project files; the log keeps the whole error and its stack.
        const choice = await vscode.window.showErrorMessage(`VM Context: ${printable(message, 1000)}`, 'Show Log');
        if (choice === 'Show Log') services.log.show(true);
        return undefined;
      }
    }),
  );
}
