// The CLI's view of the outside world, so commands can be tested in process.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { BUNDLED_SCHEMA_NAME } from '../core/validation/domain/domainSchema';
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
};

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {}

/** schemas/domain-template.rng as installed: two folders up from the bundle (dist/bundle/cli.js) as from src/cli. */
export function bundledSchemaFile(): string {
  const root = path.resolve(__dirname, '..', '..');
  return path.join(root, 'schemas', BUNDLED_SCHEMA_NAME);
}

/**
 * VMCTX_THREADS: how many threads `vmctx rng` and `vmctx check` validate on (1: the main thread
 * alone); unset, they choose by the number of files and the machine's cores. A number above the
 * cores is lowered to them, with a line on stderr: threads beyond the cores only wait for one
 * (64 on 2 cores made a 1.6 s check take 25-40 s and 3.3 GB).
 */
export function requestedThreads(io: Pick<CliIO, 'env' | 'stderr'>, command: string, cores = availableParallelism()): number | undefined {
  const v = io.env.VMCTX_THREADS;
  if (v === undefined || v === '') return undefined;
  if (!/^[1-9]\d?$/.test(v) || Number(v) > 64) throw new UsageError(`VMCTX_THREADS=${v}: expected a number of threads from 1 to 64`);
  const n = Number(v);
  if (n <= cores) return n;
  io.stderr(`vmctx ${command}: VMCTX_THREADS=${n} lowered to ${cores}, the number of cores of this machine (more threads than cores only cost time and memory)\n`);
  return cores;
}
