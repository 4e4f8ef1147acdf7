// Run as its own process by wholeProcess.bench.ts (plain Node, no TypeScript loader in the way):
// loads the bundled extension against a stand-in `vscode` module (every API a no-op) and times
// the module load and activate(), the extension's own share of VS Code's activation time.
// Prints one JSON line.
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

/** Any property, call or `new` gives another stand-in; assignments stick; never thenable; iterates as empty. */
function standIn(name) {
  const props = new Map();
  return new Proxy(function () {}, {
    get(_t, key) {
      if (props.has(key)) return props.get(key);
      if (key === 'then') return undefined;
      if (key === Symbol.iterator) return function* () {};
      if (key === Symbol.toPrimitive) return () => '';
      if (key === 'workspaceFolders' || key === 'activeTextEditor') return undefined;
      if (key === 'textDocuments' || key === 'visibleTextEditors' || key === 'all') return [];
      const v = standIn(`${name}.${String(key)}`);
      props.set(key, v);
      return v;
    },
    set(_t, key, value) {
      props.set(key, value);
      return true;
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`),
  });
}

// esbuild's CommonJS interop copies the module's own enumerable keys: give the stand-in module
// every name the bundle uses (read from the bundle, so new APIs need no edit here).
const root = path.resolve(__dirname, '..');
// The extension's `main`: the launcher, which loads dist/bundle/extension.js through the code cache.
const mainPath = path.join(root, 'dist', 'extension.js');
const vscodeModule = {};
for (const m of readFileSync(path.join(root, 'dist', 'bundle', 'extension.js'), 'utf8').matchAll(/\bvscode\d*\.([A-Za-z]+)\b/g)) vscodeModule[m[1]] ??= standIn(`vscode.${m[1]}`);
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscodeModule : load.call(this, request, ...rest);
};

const context = {
  subscriptions: [],
  extension: { packageJSON: { version: 'bench' } },
  extensionPath: root,
  extensionUri: standIn('Uri'),
  asAbsolutePath: (p) => path.join(root, p),
  globalState: { get: () => undefined, update: async () => undefined, keys: () => [] },
  workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
  logUri: standIn('Uri'),
  storageUri: undefined,
  globalStorageUri: standIn('Uri'),
};

// CPU time too: on a loaded machine the wall time says more about the neighbours than about us.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const c0 = cpuMs();
const t0 = performance.now();
const ext = require(mainPath);
const t1 = performance.now();
const c1 = cpuMs();
let error;
try {
  ext.activate(context);
} catch (e) {
  error = e instanceof Error ? e.message : String(e);
}
const t2 = performance.now();
const c2 = cpuMs();
// The end of the session, as VS Code ends it: the subscriptions are disposed (which writes the
// code cache's entries when they were missing), then deactivate().
for (const d of context.subscriptions) {
  try {
    d.dispose();
  } catch {
    // a stand-in's dispose
  }
}
ext.deactivate();
process.stdout.write(JSON.stringify({ require_ms: t1 - t0, activate_ms: t2 - t1, total_ms: t2 - t0, require_cpu_ms: c1 - c0, activate_cpu_ms: c2 - c1, disposables: context.subscriptions.length, error }) + '\n');
process.exit(0);
