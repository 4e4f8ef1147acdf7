// Bundles the three entries: the extension (CommonJS for VS Code 1.99), the CLI and the webview.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// `vmctx --version` prints the package's version, injected at build time.
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's UMD "main" cannot be bundled; its ESM "module" build can.
  mainFields: ['module', 'main'],
};

const allBuilds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    define: { VMCTX_VERSION: JSON.stringify(version) },
  },
  {
    ...common,
    entryPoints: { webview: 'src/webview/fleetWebview.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

// The webview entry joins once the New VM form exists.
const builds = allBuilds.filter((b) => Object.values(b.entryPoints).every((e) => existsSync(e)));
mkdirSync('dist', { recursive: true });
// The webview's icon font: @vscode-elements finds it by the <link id="vscode-codicon-stylesheet">.
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/${f}`);
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
}
