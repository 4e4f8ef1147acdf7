// Runs test/unit/**/*.test.ts with node:test (tsx strips the types), after building dist/
// (the CLI tests spawn dist/cli.js, so a fresh clone needs it; esbuild takes a second or two).
// Node 20's --test takes no globs, so the files are listed here.
//   node scripts/run-unit-tests.mjs [PATH-PART...] [--name PATTERN] [--no-build]
//   npm run test:unit -- --name 'diagnostic codes'   (node's --test-name-pattern, a RegExp)
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = [];
const names = [];
let build = true;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--no-build') build = false;
  else if (a === '--name' || a === '--test-name-pattern') {
    if (i + 1 >= args.length) {
      console.error(`${a} needs a pattern`);
      process.exit(2);
    }
    names.push(args[++i]);
  } else if (a.startsWith('--name=')) names.push(a.slice('--name='.length));
  else if (a.startsWith('--')) {
    console.error(`unknown option ${a} (options: --name PATTERN, --no-build)`);
    process.exit(2);
  } else filter.push(a);
}

let files = collect('test/unit');
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no unit test files found${filter.length ? ` matching ${filter.join(', ')}` : ''}`);
  process.exit(1);
}
if (build) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) {
    console.error('unit tests: the build (scripts/build.mjs) failed');
    process.exit(b.status ?? 1);
  }
}
const nameArgs = names.map((n) => `--test-name-pattern=${n}`);
// The compiled-schema cache of the tests goes to a folder of this run, not the user's cache.
const cacheDir = mkdtempSync(join(tmpdir(), 'vmctx-unit-cache-'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...nameArgs, ...files], {
  stdio: 'inherit',
  env: { ...process.env, VMCTX_CACHE_DIR: cacheDir },
});
rmSync(cacheDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
