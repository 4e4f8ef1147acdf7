// dist/cli.js, what `vmctx` runs: starts the CLI bundle (dist/bundle/cli.js, src/cli/main.ts; cliRng.js for rng) as
// the main module through V8's code cache (src/core/io/codeCache.ts), and writes the cache's
// entries when the process ends. Kept tiny: everything it imports is paid before the bundle runs.
import * as path from 'node:path';
import { CodeCache, codeCacheDir } from '../core/io/codeCache';

/** V8 flags of `vmctx` alone, never of the extension host (shared with other extensions; the
 *  extension's launcher sets none). A vmctx run is short, so both trade what pays in a long-lived
 *  process for what pays in under a second:
 *  - `--no-turbo-inlining`: V8's optimizing compiler (TurboFan), compiling the hot parser and
 *    validator functions each with its callees inlined, cost more CPU than the inlined code saved
 *    before the run ended (a quarter of the CPU samples of `vmctx rng` over libvirt's 2,263 test
 *    domains were TurboFan's). Without inlining each compile is small, and a function compiled
 *    again after a deoptimization costs only itself.
 *  - `--semi-space-growth-factor=1`: the young generation keeps its first size instead of doubling
 *    up to 16 MB after busy scavenges. What dies young (a template's tree, a file's events) dies as
 *    well in the small one, and each page the larger one would touch first is a page fault, dear in
 *    a virtual machine: 1,000 templates made 17,000 faults and peaked at 98 MB, 10,800 and 74 MB
 *    with it. (The maximum size itself cannot be changed once the heap exists; the growth factor is
 *    read each time the space would grow.)
 *  Measured, alternated, over every CLI row: README, "V8 flags of the CLI". */
export const CLI_V8_FLAGS = '--no-turbo-inlining --semi-space-growth-factor=1';
/** What sets V8 back to its defaults before the code cache's entries are made (V8 refuses an entry made under other flags than its reader's). */
export const CLI_V8_DEFAULTS = '--turbo-inlining --semi-space-growth-factor=2';

// The command is the kind of run, each with its own entry (what a check compiles, not what a build
// does). Unknown words share one: a typo must not leave an entry of its own.
const KINDS = new Set(['check', 'build', 'deploy', 'rng', '--version', '--help']);
const command = process.argv[2] ?? '';
// Made first: it loads node:zlib (the entries' checksum) while V8's flags are Node's own.
// A lazy group loaded once the flags are set is compiled with its entry under V8's defaults, as
// its entry was written.
let flagsSet = false;
const cache = new CodeCache({
  dir: codeCacheDir(),
  run: KINDS.has(command) ? command : 'other',
  aroundCompile(compile) {
    if (!flagsSet) return compile();
    v8!.setFlagsFromString(CLI_V8_DEFAULTS);
    try {
      return compile();
    } finally {
      v8!.setFlagsFromString(CLI_V8_FLAGS);
    }
  },
});
// Only for the commands that run the engine (loading node:v8 would cost `--version` and `--help` a
// millisecond for nothing), and not when Node was started with settings of these flags.
const runsEngine = command === 'check' || command === 'build' || command === 'deploy' || command === 'rng';
const v8 =
  runsEngine && !process.execArgv.some((a) => /^--(no-)?turbo[-_]inlining$|^--semi[-_]space[-_]growth[-_]factor\b/.test(a))
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('node:v8') as typeof import('node:v8'))
    : undefined;
process.on('exit', () => {
  if (flagsSet) v8!.setFlagsFromString(CLI_V8_DEFAULTS);
  flagsSet = false;
  cache.save();
});
// The standard streams every command writes to (net, tty or a file stream), before the flag: a
// built-in module loaded after a flag changes is compiled from its source, not read from Node's
// own code cache (which V8 checks against its flags).
void process.stdout;
// glibc's malloc sets its mmap threshold to the size of the largest mmapped block freed so far (up
// to 32 MB) and the trim threshold to twice that: below them, blocks come from the heap and the
// heap's free top is kept. V8's optimizing compiler takes and frees megabytes of zone memory per
// compile; with the low defaults each compile's memory was fresh pages again (mmapped, or the
// heap's top trimmed by the last free). One 4 MB block, never touched (fresh mapped pages, no
// fault) and freed by the first scavenge, raises both: `vmctx rng` over libvirt's 2,263 test
// domains took ~1,000 fewer page faults than without it (README, "V8 flags of the CLI"). A
// no-op where malloc is not glibc's.
if (runsEngine) void new ArrayBuffer(4 << 20);
// The bundle is the main module when this launcher is (`require.main === module` in main.ts runs the
// CLI). `vmctx rng` has a bundle of its own (rngMain.ts, a third of the size): it spares reading,
// deserializing and running the top level of the project model, builds and deploys it never calls.
cache.load(path.join(__dirname, 'bundle', command === 'rng' ? 'cliRng.js' : 'cli.js'), module, require.main === module);
// The flag is set once the bundle and the modules it loads at once are in (main() starts on the
// next tick), and V8 is set back before the cache's entries are made: the bundle's code cache is
// read and written under Node's own flags, and so are the built-in modules loaded so far, the
// argument parser included (node:util loads it on first use).
if (v8) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  void (require('node:util') as typeof import('node:util')).parseArgs;
  v8.setFlagsFromString(CLI_V8_FLAGS);
  flagsSet = true;
}
