// dist/cli.js, what `vmctx` runs: starts the CLI bundle (dist/bundle/cli.js, src/cli/main.ts) as
// the main module through V8's code cache (src/core/io/codeCache.ts), and writes the cache's
// entries when the process ends. Kept tiny: everything it imports is paid before the bundle runs.
import * as path from 'node:path';
import { CodeCache, codeCacheDir } from '../core/io/codeCache';

/** V8 flags of `vmctx` alone, never of the extension host (shared with other extensions; the
 *  extension's launcher sets none). A vmctx run is short: V8's optimizing compiler (TurboFan),
 *  compiling the hot parser and validator functions each with its callees inlined, cost more CPU
 *  than the inlined code saved before the run ended (a quarter of the CPU samples of `vmctx rng`
 *  over libvirt's 2,263 test domains were TurboFan's). Without inlining each compile is small, and
 *  a function compiled again after a deoptimization costs only itself. Measured, alternated, over
 *  every CLI row: README, "V8 flags of the CLI". */
export const CLI_V8_FLAGS = '--no-turbo-inlining';

// The command is the kind of run, each with its own entry (what a check compiles, not what a build
// does). Unknown words share one: a typo must not leave an entry of its own.
const KINDS = new Set(['check', 'build', 'deploy', 'rng', '--version', '--help']);
const command = process.argv[2] ?? '';
// Only for the commands that run the engine: loading node:v8 costs `--version` and `--help` a
// millisecond for nothing. Set before the bundle is loaded, so that its code cache is made and
// read under the same flags.
if (command === 'check' || command === 'build' || command === 'deploy' || command === 'rng') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString(CLI_V8_FLAGS);
}
const cache = new CodeCache({ dir: codeCacheDir(), run: KINDS.has(command) ? command : 'other' });
process.on('exit', () => cache.save());
// The bundle is the main module when this launcher is (`require.main === module` in main.ts runs the CLI).
cache.load(path.join(__dirname, 'bundle', 'cli.js'), module, require.main === module);
