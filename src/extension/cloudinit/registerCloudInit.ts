// Completion and hover in a NoCloud project's seed files (cloud-init/user-data, meta-data,
// network-config and the per-VM copies), from the core's schema-driven assistance. Their
// diagnostics come with every other project file's (DiagnosticsService → validateDocument).
import * as vscode from 'vscode';
import { cloudInitCompletions, cloudInitFileOf, cloudInitHover, type CloudInitKind } from '../../core/cloudinit';
import type { Services } from '../services';
import { toCompletionItem, toHover } from '../network/convertAssist';

/** The names the providers listen for; which project file a document is decides the rest. */
const SELECTOR: vscode.DocumentSelector = { scheme: 'file', pattern: '**/{user-data,meta-data,network-config}' };

/** The seed-file kind of a document of a NoCloud project, or undefined for any other file. */
export async function cloudInitKindOf(services: Services, doc: vscode.TextDocument): Promise<CloudInitKind | undefined> {
  const project = await services.projects.projectFor(doc.uri);
  return project ? cloudInitFileOf(project, doc.uri.fsPath)?.kind : undefined;
}

export function registerCloudInit(services: Services): void {
  services.context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      {
        async provideCompletionItems(doc, pos) {
          const kind = await cloudInitKindOf(services, doc);
          return kind ? cloudInitCompletions(kind, doc.getText(), doc.offsetAt(pos)).map(toCompletionItem) : undefined;
        },
      },
      // "#" for the user-data header, ":" for the values after "key:" (words trigger the rest).
      '#',
      ':',
    ),
    vscode.languages.registerHoverProvider(SELECTOR, {
      async provideHover(doc, pos) {
        const kind = await cloudInitKindOf(services, doc);
        const h = kind ? cloudInitHover(kind, doc.getText(), doc.offsetAt(pos)) : undefined;
        return h && toHover(h);
      },
    }),
  );
}
