// Hover in common/network and common/routes: documentation from the schemas; for addresses
// the network, prefix length and whether the VM network holds them (computed by the core).
import * as vscode from 'vscode';
import { networkHover } from '../../core/network/networkHover';
import { routesHover } from '../../core/network/routesHover';
import { Languages } from '../constants';
import type { Services } from '../services';
import { toHover } from './convertAssist';

export function registerNetworkHover(services: Services): void {
  const at = (p: vscode.Position) => ({ line: p.line, character: p.character });
  services.context.subscriptions.push(
    vscode.languages.registerHoverProvider(
      { language: Languages.network },
      {
        provideHover(doc, pos) {
          const h = networkHover(doc.getText(), at(pos));
          return h && toHover(h);
        },
      },
    ),
    vscode.languages.registerHoverProvider(
      { language: Languages.routes },
      {
        async provideHover(doc, pos) {
          const project = await services.projects.projectFor(doc.uri);
          const h = routesHover(doc.getText(), at(pos), project?.network);
          return h && toHover(h);
        },
      },
    ),
  );
}
