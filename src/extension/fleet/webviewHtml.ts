// The HTML shell of a webview: a Content-Security-Policy that allows only the extension's
// bundled script (by nonce) and styles, fonts from the extension, nothing from the network.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export interface WebviewPage {
  title: string;
  /** Files under dist/. */
  script: string;
  styles: string[];
  /** Serialized into a data attribute for the first paint, before `init` arrives. */
  body?: string;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const n = nonce();
  const dist = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  const links = page.styles
    .map((s) => `<link rel="stylesheet" href="${dist(s)}"${s.startsWith('codicon') ? ' id="vscode-codicon-stylesheet"' : ''}>`)
    .join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${links}
    <title>${page.title.replace(/</g, '&lt;')}</title>
  </head>
  <body>
    ${page.body ?? ''}
    <script nonce="${n}" src="${dist(page.script)}"></script>
  </body>
</html>`;
}
