// "New Context Project" and "Open Example": the core scaffolder's files written into a
// folder the user picks (the empty workspace folder by default), then the next step opened.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { editorFileSystem } from '../../core/io/nodeFileSystem';
import { BLANK_BASE_IMAGE, exampleFiles, existingFiles, scaffoldProject, type ScaffoldFile } from '../../core/project/scaffold';
import { scaffoldNoCloudProject } from '../../core/project/scaffoldNoCloud';
import type { Flavor } from '../../core/project/manifest';
import { UserError } from '../../core/common/errors';
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { createSparseFile, writeNewFiles } from './plannedFiles';
import { countOf } from '../../core/common/text';
import { completeWalkthroughStep } from './walkthroughSteps';

const EXAMPLE_DIR = 'examples/snooze-cluster';
const NOCLOUD_EXAMPLE_DIR = 'examples/nocloud-cluster';

const FLAVORS: Array<vscode.QuickPickItem & { flavor: Flavor }> = [
  { flavor: 'snooze', label: 'Snooze context', description: 'context.iso', detail: 'One context.iso for every VM: post-install runs at boot, the network from context/common/network.' },
  { flavor: 'nocloud', label: 'cloud-init NoCloud', description: 'a cidata seed per VM', detail: 'For cloud images with cloud-init: cloud-init/user-data (#cloud-config), meta-data and network-config per VM.' },
];

/** The flavor of a new project: the command's second argument (`'snooze'`/`'nocloud'`), else a QuickPick. */
async function chooseFlavor(arg: unknown): Promise<Flavor | undefined> {
  if (arg === 'snooze' || arg === 'nocloud') return arg;
  const picked = await vscode.window.showQuickPick(FLAVORS, { title: 'New Context Project: how do the VMs configure themselves?', placeHolder: 'Snooze context or cloud-init NoCloud', ignoreFocusOut: true });
  return picked?.flavor;
}

async function isEmptyFolder(dir: string): Promise<boolean> {
  const entries = await editorFileSystem.readDirectory(dir).catch(() => undefined);
  return !!entries && entries.filter((e) => !e.name.startsWith('.')).length === 0;
}

/** The folder to create the project in: the command's argument, an empty workspace folder, or a pick. */
async function chooseFolder(arg: unknown, title: string): Promise<string | undefined> {
  if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg.fsPath;
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme === 'file' && (await isEmptyFolder(f.uri.fsPath))) return f.uri.fsPath;
  }
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Create Here',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0]?.fsPath;
}

async function create(services: Services, folder: string, files: ScaffoldFile[], open: string): Promise<void> {
  const clash = await existingFiles(editorFileSystem, folder, files);
  if (clash.length) {
    throw new UserError(`${folder} already holds ${clash.slice(0, 3).join(', ')}${clash.length > 3 ? ` and ${clash.length - 3} more` : ''}.`, 'Choose an empty folder.');
  }
  await writeNewFiles(folder, files);
  // A blank base image, as the example's make-base-image.sh makes, so the overlays can be built at once.
  await createSparseFile(path.join(folder, ...BLANK_BASE_IMAGE.relative.split('/')), BLANK_BASE_IMAGE.size);
  services.log.info(`created a context project in ${folder} (${countOf(files.length, 'file')})`);
  await completeWalkthroughStep(services, 'newProject');
  const inWorkspace = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder));
  if (inWorkspace) {
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(folder, ...open.split('/'))), { preview: false });
    return;
  }
  const choice = await vscode.window.showInformationMessage(`VM Context: created a context project in ${folder}.`, 'Open Folder', 'Add to Workspace');
  if (choice === 'Open Folder') await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(folder));
  else if (choice === 'Add to Workspace') vscode.workspace.updateWorkspaceFolders(vscode.workspace.workspaceFolders?.length ?? 0, 0, { uri: vscode.Uri.file(folder) });
}

export function registerNewProjectCommands(services: Services): void {
  const exampleDir = services.context.asAbsolutePath(EXAMPLE_DIR);

  const noCloudExampleDir = services.context.asAbsolutePath(NOCLOUD_EXAMPLE_DIR);

  registerCommand(services, Commands.newProject, async (arg, flavorArg) => {
    const flavor = await chooseFlavor(flavorArg);
    if (!flavor) return undefined;
    const folder = await chooseFolder(arg, 'New Context Project: choose a folder');
    if (!folder) return undefined;
    const settings = services.settings.forResource(folder);
    if (flavor === 'nocloud') {
      const files = await scaffoldNoCloudProject(editorFileSystem, noCloudExampleDir, { uuid: randomUUID(), bridge: settings.defaults.bridge });
      await create(services, folder, files, 'cloud-init/user-data');
    } else {
      const files = await scaffoldProject(editorFileSystem, exampleDir, { uuid: randomUUID(), bridge: settings.defaults.bridge, isoLabel: settings.defaults.isoLabel });
      await create(services, folder, files, 'context/common/network');
    }
    return folder;
  });

  registerCommand(services, Commands.openExample, async (arg) => {
    const folder = await chooseFolder(arg, 'Open Example: choose a folder to copy the example project into');
    if (!folder) return undefined;
    await create(services, folder, await exampleFiles(editorFileSystem, exampleDir), 'README.md');
    return folder;
  });
}
