import * as vscode from 'vscode';
import type { Logger } from '../../core/common/logger';

/**
 * The extension's one log: a LogOutputChannel, which is also the core's Logger (same methods),
 * so services.log goes everywhere a Logger is wanted.
 */
export function createLog(): vscode.LogOutputChannel & Logger {
  return vscode.window.createOutputChannel('VM Context', { log: true });
}
