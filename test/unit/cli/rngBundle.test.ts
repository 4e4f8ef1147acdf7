// Issue #16: `vmctx rng` runs its own bundle (dist/bundle/cliRng.js, src/cli/rngMain.ts), without
// the project model, builds and deploys; every other command runs dist/bundle/cli.js. Both must
// answer exactly as main() does in process. The bundles loaded are read from
// the module cache at exit (helpers/loadRecord.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { distCli, requireDistCli, vmctxInProcess } from '../helpers/cli';
import { remove, repoRoot, tempDir } from '../helpers/tempProject';
import { loadedIn, runRecorded, writeLoadRecorder } from '../helpers/loadRecord';

const FIX = path.join(repoRoot, 'test/fixtures/relaxng');
let dir: string;
let preload: string;

requireDistCli();
before(() => {
  dir = tempDir('vmctx-rng-bundle-');
  preload = writeLoadRecorder(dir);
  writeFileSync(path.join(dir, 'malformed.xml'), '<domain type="kvm"><devices></domain>\n');
});
after(() => remove(dir));

/** `node dist/cli.js ARGS` in FIX: exit code, output and the bundles it loaded. */
function run(args: string[], env: NodeJS.ProcessEnv) {
  const r = runRecorded(preload, [distCli, ...args], { cwd: FIX, env });
  return { code: r.code, out: r.stdout, err: r.stderr, bundles: loadedIn(r, 'bundle') };
}

test('vmctx rng runs the rng bundle alone and prints what main() prints, through the code cache (cold, warm) and without it', async () => {
  const malformed = path.join(dir, 'malformed.xml');
  const runs = [
    ['rng', 'interleave/schema.rng', 'interleave/ok-mixed-order.xml', 'interleave/bad-value.xml', 'interleave/bad-missing-console.xml', malformed, 'no-such-file.xml'],
    ['rng', '--format', 'json', 'interleave/schema.rng', 'interleave/bad-two-emulators.xml', malformed],
    ['rng', 'interleave/schema.rng', 'interleave/ok-mixed-order.xml'],
    ['rng', 'schema-errors/undefined-ref.rng', 'schema-errors/doc.xml'],
    ['rng', '--help'],
    ['rng', 'interleave/schema.rng'],
    ['rng', '--format', 'yaml', 'interleave/schema.rng', 'interleave/ok-mixed-order.xml'],
  ];
  const cache = path.join(dir, 'cache');
  for (const args of runs) {
    const expected = await vmctxInProcess(args, FIX, { VMCTX_CACHE_DIR: cache });
    for (const env of [{ VMCTX_CACHE_DIR: cache }, { VMCTX_CACHE_DIR: cache }, { VMCTX_CACHE_DIR: cache, VMCTX_CODE_CACHE: 'off' }]) {
      const r = run(args, env);
      assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: expected.code, out: expected.out, err: expected.err }, `vmctx ${args.join(' ')}`);
      assert.deepEqual(r.bundles, ['cliRng.js'], `vmctx ${args.join(' ')}`);
    }
  }
  // The runs above cover every kind of answer: clean, invalid, malformed, missing, schema error, help, usage.
  const codes = new Set(await Promise.all(runs.map(async (a) => (await vmctxInProcess(a, FIX, { VMCTX_CACHE_DIR: cache })).code)));
  assert.deepEqual([...codes].sort(), [0, 1, 2]);
});

test('every other command, --help and --version run the bundle of every command', async () => {
  const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  for (const args of [['--help'], ['--version'], ['check', '--help'], ['build', '--help'], ['deploy', '--help'], ['nonsense']]) {
    // In process, without the build's version: 'dev'.
    const expected = args[0] === '--version' ? { code: 0, out: `${version}\n`, err: '' } : await vmctxInProcess(args, FIX);
    const r = run(args, { VMCTX_CACHE_DIR: path.join(dir, 'cache') });
    assert.deepEqual({ code: r.code, out: r.out, err: r.err }, { code: expected.code, out: expected.out, err: expected.err }, `vmctx ${args.join(' ')}`);
    assert.deepEqual(r.bundles, ['cli.js'], `vmctx ${args.join(' ')}`);
  }
});
