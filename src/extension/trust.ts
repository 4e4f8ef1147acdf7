// Workspace trust: nothing is executed (no external tool, no build) in an untrusted or
// virtual workspace. Commands that would run something call requireTrust first, which says
// why it does not run and offers the way out.
import * as vscode from 'vscode';

const MANAGE = 'Manage Workspace Trust';

/** True when `action` may run; otherwise tells the user why not and returns false. */
export async function requireTrust(action: string): Promise<boolean> {
  if (isVirtualWorkspace()) {
    void vscode.window.showInformationMessage(`VM Context: ${action} needs the project on this machine's disk; this is a virtual workspace, where only checking and browsing work.`);
    return false;
  }
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    `VM Context: ${action} writes images and may run external tools, so it runs only in a trusted workspace. Diagnostics and the explorer keep working meanwhile.`,
    MANAGE,
  );
  if (choice === MANAGE) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** A workspace whose folders are not on a local disk (e.g. a remote repository opened virtually). */
export function isVirtualWorkspace(): boolean {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length > 0 && folders.every((f) => f.uri.scheme !== 'file');
}
