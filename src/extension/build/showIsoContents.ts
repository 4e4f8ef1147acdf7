// "Show ISO Contents": a read-only Markdown preview of what context.iso holds (or would hold)
// under each name tree, and its label. Reads the context folder; runs nothing.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scanContext } from '../../core/io/contextScan';
import { isoListing, isoListingMarkdown } from '../../core/build/isoListing';
import type { Services } from '../services';
import { Commands } from '../constants';
import { registerCommand } from '../commands';
import { pickProject } from '../project/pickProject';

const SCHEME = 'vmcontext-iso';

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
    const scan = await scanContext(project.contextDir);
    const iso = path.relative(project.root, project.output.iso) || project.output.iso;
    const text = isoListingMarkdown(`${path.basename(project.root)}/${iso}`, project.isoLabel, isoListing(scan.root), scan.problems);
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${path.basename(project.root)}/${path.basename(project.output.iso)}.md` });
    documents.set(uri.toString(), text);
    changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return text;
  });
}
