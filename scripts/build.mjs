// Bundles the three entries: the extension (CommonJS for VS Code 1.99), the CLI and the webview.
// The extension and the CLI are each a small launcher (dist/extension.js, dist/cli.js) that loads
// its bundle (dist/bundle/*.js) and the lazy groups through V8's code cache (issue #16,
// src/core/io/codeCache.ts).
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

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

// Loaded on first use, not with the bundle (issue #16: activation and `vmctx --help` paid for
// reading and compiling all of them): each group is bundled into dist/lazy/<group>.js, and in the
// extension and CLI bundles an import of one of its modules resolves to a small stub whose
// exports are getters that require the group's file on first access. The source imports them as
// usual (tests and tsx see the real modules); nothing may use them at module load.
const LAZY = {
  // The cloud-init checks and seeds: yaml, Ajv and cloud-init's JSON schemas (half the bundle).
  cloudinit: ['yaml', 'ajv', 'ajv-draft-04', ...['cloud-config-v1', 'network-config-v1', 'network-config-v2'].map((s) => `schemas/cloud-init/schema-${s}.json`)],
  // External tools (builds with genisoimage/qemu-img, deploys with virsh).
  execa: ['execa'],
  // The domain XML of the New VM / New Fleet form.
  fleet: ['fast-xml-parser'],
};
// Node's own modules that cost to load (1-5 ms each at start-up) and serve builds, deploys, new
// files and threads only (`vmctx check` of a small project uses none of them).
const LAZY_BUILTINS = ['node:crypto', 'node:fs/promises', 'node:worker_threads'];
const root = process.cwd();
const lazyGroupOf = new Map(Object.entries(LAZY).flatMap(([group, ids]) => ids.map((id) => [id, group])));

/** Builds dist/lazy/<group>.js: `module.exports = { [id]: require(id) }` for each of its modules. */
async function buildLazyGroups() {
  rmSync('dist/lazy', { recursive: true, force: true });
  await Promise.all(
    Object.entries(LAZY).map(([group, ids]) =>
      esbuild.build({
        ...common,
        stdin: { contents: `module.exports = {\n${ids.map((id) => `  ${JSON.stringify(id)}: require(${JSON.stringify(id.endsWith('.json') ? `./${id}` : id)}),`).join('\n')}\n};\n`, resolveDir: root, sourcefile: `lazy-${group}.js` },
        outfile: `dist/lazy/${group}.js`,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
      }),
    ),
  );
}

/**
 * The stub standing for `id` in a main bundle: its export names are read from the built group
 * (so esbuild's ES-module interop sees every name without loading it), each a getter.
 */
function lazyStub(id) {
  if (LAZY_BUILTINS.includes(id)) return getterStub(`require(${JSON.stringify(id)})`, createRequire(import.meta.url)(id));
  const group = lazyGroupOf.get(id);
  const file = path.join(root, 'dist/lazy', `${group}.js`);
  const require = createRequire(import.meta.url);
  delete require.cache[file];
  // Relative to the bundle in dist/bundle/.
  const get = `require(${JSON.stringify(`../lazy/${group}.js`)})[${JSON.stringify(id)}]`;
  // A JSON schema is imported for its default export: the object itself.
  if (id.endsWith('.json')) return ['let m;', `const load = () => (m ??= ${get});`, 'module.exports = { __esModule: true, get default() { return load(); } };'].join('\n');
  return getterStub(get, require(file)[id]);
}

/** A module whose every export (the names `real` has) is a getter loading `get` on first use. */
function getterStub(get, real) {
  if (typeof real === 'function' && !real.__esModule) throw new Error(`build.mjs: ${get} exports a function; a lazy stub stands for an object of exports only`);
  const names = Object.keys(real).filter((k) => k !== '__esModule');
  // The getters sit on the stub's prototype: esbuild's __toESM copies a CommonJS module's own
  // properties into each importing file's namespace object (a defineProperty per name and file at
  // load: node:crypto's 80 names in 8 files, yaml's in 2...), but gives that object the module's
  // prototype, through which the getters are found without a copy.
  return [
    'let m;',
    `const load = () => (m ??= ${get});`,
    'const getters = Object.create(null);',
    `for (const k of ${JSON.stringify(names)}) Object.defineProperty(getters, k, { get: () => load()[k], enumerable: true });`,
    'const stub = Object.create(getters);',
    ...(real.__esModule ? ["Object.defineProperty(stub, '__esModule', { value: true });"] : []),
    'module.exports = stub;',
  ].join('\n');
}

const lazyPlugin = {
  name: 'lazy-groups',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/lazy\// }, (args) => (args.namespace === 'lazy' ? { path: args.path, external: true } : undefined));
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.namespace === 'lazy') return undefined;
      const id = args.path.endsWith('.json') ? path.relative(root, path.resolve(args.resolveDir, args.path)).split(path.sep).join('/') : args.path;
      return lazyGroupOf.has(id) || LAZY_BUILTINS.includes(id) ? { path: id, namespace: 'lazy' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({ contents: lazyStub(args.path), loader: 'js' }));
  },
};

/**
 * `import * as vscode from 'vscode'` (and of Node's own modules) compiles, in a CommonJS bundle,
 * to a copy of every export of the module in each importing file (esbuild's __toESM): 42 files
 * times VS Code's few hundred API names at activation, 44 times node:path's. `import x =
 * require(...)` binds the module itself, used the same way, without the copy. The sources keep
 * the ES import (tsc, tsx and the tests see it); only the bundles get the rewrite.
 */
const namespaceImportsPlugin = {
  name: 'namespace-imports',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace(/^import \* as (\w+) from '(vscode|node:[\w/]+)';$/gm, "import $1 = require('$2');"),
      loader: 'ts',
    }));
  },
};

/**
 * jsonc-parser's files are marked free of side effects (its package.json does not say so): a
 * bundle that only parses (the CLI) then leaves out its formatter, whose string tables (1,200
 * strings of indentation, built at load) every start paid for.
 */
const pureJsoncPlugin = {
  name: 'pure-jsonc-parser',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.pureJsonc || !(args.path === 'jsonc-parser' || /[\\/]node_modules[\\/]jsonc-parser[\\/]/.test(args.importer))) return undefined;
      const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { pureJsonc: true } });
      return r.errors.length > 0 ? { errors: r.errors } : { path: r.path, sideEffects: false };
    });
  },
};

/** A CommonJS build for Node (the extension host's or the CLI's). */
const nodeBuild = (options) => ({ ...common, platform: 'node', format: 'cjs', target: 'node20', plugins: [lazyPlugin, pureJsoncPlugin, namespaceImportsPlugin], ...options });

const allBuilds = [
  nodeBuild({ entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist/bundle', external: ['vscode'] }),
  nodeBuild({
    entryPoints: { cli: 'src/cli/main.ts', cliRng: 'src/cli/rngMain.ts', validationWorker: 'src/core/io/validationWorker.ts' },
    outdir: 'dist/bundle',
    define: { VMCTX_VERSION: JSON.stringify(version) },
  }),
  // The launchers: package.json's `main` and `bin`.
  nodeBuild({ entryPoints: { extension: 'src/extension/extensionLauncher.ts' }, outdir: 'dist', external: ['vscode'] }),
  nodeBuild({ entryPoints: { cli: 'src/cli/cliLauncher.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } }),
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
await buildLazyGroups();
// The webview's icon font: @vscode-elements finds it by the <link id="vscode-codicon-stylesheet">.
for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/${f}`);
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
  for (const dir of ['dist', 'dist/bundle', 'dist/lazy']) for (const f of readdirSync(dir)) if (f.endsWith('.js')) asciiOnly(path.join(dir, f));
}

/**
 * Node reads a bundle that is all ASCII faster (a one-byte string, no UTF-8 decoding), and V8
 * scans it faster. esbuild escapes every non-ASCII character in code (charset 'ascii'), but keeps
 * comments as written: their few "≤" and "§" become "?", one per UTF-16 unit so that the source
 * map's columns still hold.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  if (/[^\x00-\x7f]/.test(text)) writeFileSync(file, text.replace(/[^\x00-\x7f]/g, '?'));
}
