// The CLI's view of the outside world, so commands can be tested in process.
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
