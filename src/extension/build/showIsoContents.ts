// "Show ISO Contents": a read-only Markdown preview of what context.iso holds (or would hold)
// under each name tree, and its label; in a NoCloud project, what one VM's seed holds (the VM
// of the explorer node it was invoked on, else the user's pick). Reads the project; runs nothing.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scanContext } from '../../core/io/contextScan';
import { isoListing, isoListingMarkdown, seedListingMarkdown } from '../../core/build/isoListing';
import { buildInputsFromProject, type SeedInput } from '../../core/build/buildInputs';
import type { ContextProject } from '../../core/project/project';
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { pickProject } from '../project/pickProject';

const SCHEME = 'vmcontext-iso';

/** The VM a tree node names (seed and VM nodes carry it). */
function vmOf(arg: unknown): string | undefined {
  const vm = arg && typeof arg === 'object' ? (arg as { vm?: unknown }).vm : undefined;
  return typeof vm === 'string' ? vm : undefined;
}

async function pickSeed(project: ContextProject, vms: SeedInput[], arg: unknown): Promise<SeedInput | undefined> {
  const named = vmOf(arg);
  const given = named !== undefined ? vms.find((v) => v.vm === named) : undefined;
  if (given || vms.length === 1) return given ?? vms[0];
  if (!vms.length) {
    void vscode.window.showInformationMessage(`VM Context: ${path.basename(project.root)} has no VM, so no seed (New VM or New Fleet).`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    vms.map((v) => ({ label: v.vm, description: path.relative(project.root, v.path), seed: v })),
    { title: 'VM Context: Show ISO Contents', placeHolder: 'Which VM\'s seed?' },
  );
  return picked?.seed;
}

export function registerShowIsoContentsCommand(services: Services): void {
  const documents = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  services.context.subscriptions.push(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (uri) => documents.get(uri.toString()) ?? '' }),
  );

  registerCommand(services, Commands.showIsoContents, async (arg) => {
    const project = await pickProject(services, arg, 'Show ISO Contents');
    if (!project) return undefined;
    const name = path.basename(project.root);
    let output = project.output.iso;
    let text: string;
    const seeds = buildInputsFromProject(project).seeds;
    if (seeds) {
      const seed = await pickSeed(project, seeds.vms, arg);
      if (!seed) return undefined;
      output = seed.path;
      text = (await seedListingMarkdown(`${name}/${path.relative(project.root, output) || output} (cloud-init seed of ${seed.vm})`, seeds, seed)).markdown;
    } else {
      const scan = await scanContext(project.contextDir);
      text = isoListingMarkdown(`${name}/${path.relative(project.root, output) || output}`, project.isoLabel, isoListing(scan.root), scan.problems);
    }
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}/${path.basename(output)}.md` });
    documents.set(uri.toString(), text);
    changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return text;
  });
}
