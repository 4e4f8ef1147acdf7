// dist/cli.js, what `vmctx` runs: starts the CLI bundle (dist/bundle/cli.js, src/cli/main.ts) as
// the main module through V8's code cache (src/core/io/codeCache.ts), and writes the cache's
// entries when the process ends. Kept tiny: everything it imports is paid before the bundle runs.
import * as path from 'node:path';
import { CodeCache, codeCacheDir } from '../core/io/codeCache';

// The command is the kind of run, each with its own entry (what a check compiles, not what a build
// does). Unknown words share one: a typo must not leave an entry of its own.
const KINDS = new Set(['check', 'build', 'deploy', 'rng', '--version', '--help']);
const command = process.argv[2] ?? '';
const cache = new CodeCache({ dir: codeCacheDir(), run: KINDS.has(command) ? command : 'other' });
process.on('exit', () => cache.save());
// The bundle is the main module when this launcher is (`require.main === module` in main.ts runs the CLI).
cache.load(path.join(__dirname, 'bundle', 'cli.js'), module, require.main === module);
