// `npm run test:desktop`: the integration suite in desktop VS Code (Electron), for machines that
// have one or can download it (@vscode/test-cli + @vscode/test-electron 2.5, Node 20).
// CI and machines without a desktop VS Code use `npm run test:integration` (code-server).
// VSCODE_PATH=/path/to/code uses an installed VS Code instead of a download.
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A throw-away copy of the example (the suite edits it), with schemas/ beside it as in the repo.
const base = mkdtempSync(join(tmpdir(), 'vmctx-ws-'));
cpSync('examples/snooze-cluster', join(base, 'examples/snooze-cluster'), { recursive: true });
cpSync('schemas', join(base, 'schemas'), { recursive: true });

export default defineConfig({
  label: 'integration',
  // Compiled by `node test/vscode-host/run-integration.mjs --compile-only` (npm run test:desktop).
  // The trusted tests only: untrusted/ needs a window without --disable-workspace-trust.
  files: 'out/test/integration/*.test.js',
  workspaceFolder: join(base, 'examples/snooze-cluster'),
  version: '1.99.3',
  useInstallation: process.env.VSCODE_PATH ? { fromPath: process.env.VSCODE_PATH } : undefined,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 60_000, forbidOnly: true, forbidPending: true },
});
