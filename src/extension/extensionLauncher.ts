// dist/extension.js, the extension's `main`: loads the extension bundle (dist/bundle/extension.js,
// src/extension/extension.ts) through V8's code cache (src/core/io/codeCache.ts). The cache's
// entries are written shortly after activation (or at deactivation if that comes first): they
// then hold what activation and its first moments compiled, not every function a long session
// reaches, which the next activation would have to read and deserialize whole.
import type * as vscode from 'vscode';
import * as path from 'node:path';
import { CodeCache, codeCacheDir } from '../core/io/codeCache';
import type * as Extension from './extension';

const SAVE_AFTER_MS = 2_000;

const cache = new CodeCache({ dir: codeCacheDir(), run: 'activate' });
const bundle = cache.load(path.join(__dirname, 'bundle', 'extension.js'), module) as typeof Extension;

export function activate(context: vscode.ExtensionContext): Extension.ExtensionApi {
  const api = bundle.activate(context);
  const timer = setTimeout(() => cache.save(), SAVE_AFTER_MS);
  timer.unref();
  context.subscriptions.push({
    dispose: () => {
      clearTimeout(timer);
      cache.save();
    },
  });
  return api;
}

export function deactivate(): void {
  bundle.deactivate();
}
