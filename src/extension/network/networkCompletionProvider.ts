// Completion of keys and values in common/network and of route keywords in common/routes;
// the items come from the core (schemas/*.schema.json).
import * as vscode from 'vscode';
import { networkCompletions } from '../../core/network/networkCompletion';
import { routesCompletions } from '../../core/network/routesCompletion';
import { Languages } from '../constants';
import type { Services } from '../services';
import { toCompletionItem } from './convertAssist';

export function registerNetworkCompletion(services: Services): void {
  const at = (p: vscode.Position) => ({ line: p.line, character: p.character });
  services.context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(
      { language: Languages.network },
      { provideCompletionItems: (doc, pos) => networkCompletions(doc.getText(), at(pos)).map(toCompletionItem) },
      '=',
    ),
    vscode.languages.registerCompletionItemProvider(
      { language: Languages.routes },
      {
        async provideCompletionItems(doc, pos) {
          const project = await services.projects.projectFor(doc.uri);
          return routesCompletions(doc.getText(), at(pos), project?.network).map(toCompletionItem);
        },
      },
      ' ',
    ),
  );
}
