// Which project a command acts on: the tree node or file it was invoked on, the active
// editor's project, the only project, or the user's pick.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ContextProject } from '../../core/project/project';
import { projectOf } from '../../core/project/discover';
import type { Services } from '../services';
import { Commands } from '../constants';

/** A tree node (has `root`) or a file URI. */
export type CommandTarget = { root?: string; file?: string } | vscode.Uri | undefined;

export function targetFile(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  if (arg && typeof arg === 'object' && typeof (arg as { file?: unknown }).file === 'string') return (arg as { file: string }).file;
  return undefined;
}

/**
 * The project a command acts on (build, deploy, show the ISO), loaded as its files are now: the
 * file watcher's reload comes 150 ms after a change, later on a loaded machine, and a command
 * started meanwhile would act on the project as it was (a template just added left unchecked).
 * The reload reads again only the files whose size or time changed.
 */
export async function pickProject(services: Services, arg: unknown, purpose: string): Promise<ContextProject | undefined> {
  const root = await pickRoot(services, arg, purpose);
  return root === undefined ? undefined : services.projects.reload(root);
}

async function pickRoot(services: Services, arg: unknown, purpose: string): Promise<string | undefined> {
  const roots = await services.projects.projectRoots();
  if (arg && typeof arg === 'object' && typeof (arg as { root?: unknown }).root === 'string') {
    const root = (arg as { root: string }).root;
    if (roots.includes(root)) return root;
  }
  const file = targetFile(arg) ?? (vscode.window.activeTextEditor?.document.uri.scheme === 'file' ? vscode.window.activeTextEditor.document.uri.fsPath : undefined);
  const owner = file ? projectOf(roots, file) : undefined;
  if (owner) return owner;
  if (roots.length === 1) return roots[0];
  if (roots.length === 0) {
    const create = 'New Context Project';
    const choice = await vscode.window.showInformationMessage('VM Context: this workspace has no context project (a folder with context/post-install or vmcontext.json).', create);
    if (choice === create) await vscode.commands.executeCommand(Commands.newProject);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    roots.map((r) => ({ label: path.basename(r), description: vscode.workspace.asRelativePath(r), root: r })),
    { title: `VM Context: ${purpose}`, placeHolder: 'Which context project?' },
  );
  return picked?.root;
}
