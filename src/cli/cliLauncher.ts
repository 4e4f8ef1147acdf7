// dist/cli.js, what `vmctx` runs: starts the CLI bundle (dist/bundle/cli.js, src/cli/main.ts) as
// the main module through V8's code cache (src/core/io/codeCache.ts), and writes the cache's
// entries when the process ends. Kept tiny: everything it imports is paid before the bundle runs.
import * as path from 'node:path';
import { CodeCache, codeCacheDir } from '../core/io/codeCache';

// The command is the kind of run: an entry made by `--version` gains check's functions once a check runs.
const command = process.argv[2] ?? '';
const cache = new CodeCache({ dir: codeCacheDir(), run: /^-{0,2}[a-z][a-z-]{0,19}$/.test(command) ? command : 'other' });
process.on('exit', () => cache.save());
// The bundle is the main module when this launcher is (`require.main === module` in main.ts runs the CLI).
cache.load(path.join(__dirname, 'bundle', 'cli.js'), module, require.main === module);
