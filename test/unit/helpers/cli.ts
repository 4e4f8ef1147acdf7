// vmctx for the tests, two ways: in process through the CLI's main() (fast, no build needed),
// or the bundled dist/cli.js in a child process, as users run it (npm test builds it first).
import { before } from 'node:test';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/cliIo';
import { repoRoot } from './tempProject';

export interface InProcessRun {
  code: number;
  out: string;
  err: string;
}

/** `vmctx ARGS` through main() with `cwd` and the environment plus `env`; stdout and stderr captured. */
export async function vmctxInProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<InProcessRun> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd, env: { ...process.env, ...env } };
  const code = await main(args, io);
  return { code, out, err };
}

export const distCli = path.join(repoRoot, 'dist/cli.js');

/** Fails the file's tests at once, with the remedy, when dist/cli.js has not been built. */
export function requireDistCli(): void {
  before(() => {
    if (!existsSync(distCli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  });
}

/** `node dist/cli.js ARGS` in a child process. */
export function vmctxProcess(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [distCli, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of an example project (without its build/) at `dest`, with the blank 64 MiB sparse base image its images/ script would make. */
export function copyExampleWithBase(example: 'snooze-cluster' | 'nocloud-cluster', dest: string): string {
  cpSync(path.join(repoRoot, 'examples', example), dest, { recursive: true, filter: (s) => !s.includes('/build') });
  writeFileSync(path.join(dest, 'images', 'debian-base.raw'), '');
  truncateSync(path.join(dest, 'images', 'debian-base.raw'), 64 << 20);
  return dest;
}
