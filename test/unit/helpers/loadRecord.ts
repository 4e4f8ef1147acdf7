// What a run of the CLI loaded (issue #16's lazy loading and per-command bundles): a preload
// prints, at exit, the files of dist/ in the module cache (loaded by Node's loader or by the
// code cache's, codeCache.ts) and the built-in modules, after what the run wrote to stderr.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

const MARK = '\nLOADED ';

/** Writes the preload into `dir`; give its path to runRecorded. */
export function writeLoadRecorder(dir: string): string {
  const preload = path.join(dir, 'recordLoads.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => {
  const dist = Object.keys(require.cache).filter((f) => /[\\\\/]dist[\\\\/]/.test(f)).map((f) => f.replace(/^.*[\\\\/]dist[\\\\/]/, '').replace(/\\\\/g, '/'));
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  process.stderr.write(${JSON.stringify(MARK)} + JSON.stringify({ dist: dist.sort(), builtins }) + '\\n');
});
`,
  );
  return preload;
}

export interface RecordedRun {
  code: number | null;
  stdout: string;
  /** stderr without the record. */
  stderr: string;
  /** Files under dist/ the run loaded, relative to it with '/', sorted: e.g. `bundle/cli.js`, `lazy/execa.js`. */
  dist: string[];
  /** Node's built-in modules the run loaded (Node's own start-up's included), e.g. `crypto`. */
  builtins: string[];
}

/** `node -r PRELOAD ARGS`: its exit code, output and what it loaded. */
export function runRecorded(preload: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RecordedRun {
  const r = spawnSync(process.execPath, ['-r', preload, ...args], { cwd: options.cwd, encoding: 'utf8', env: { ...process.env, ...options.env } });
  const at = r.stderr.lastIndexOf(MARK);
  assert.ok(at >= 0, `no record of loaded modules in stderr:\n${r.stderr}`);
  const { dist, builtins } = JSON.parse(r.stderr.slice(at + MARK.length)) as { dist: string[]; builtins: string[] };
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.slice(0, at), dist, builtins };
}

/** The file names of the loaded dist/ files under `folder` (e.g. `bundle`, `lazy`). */
export function loadedIn(run: RecordedRun, folder: string): string[] {
  return run.dist.filter((f) => f.startsWith(`${folder}/`)).map((f) => f.slice(folder.length + 1));
}
