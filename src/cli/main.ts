// vmctx: the command-line face of the core. Each command lives in commands/<name>.ts; cliRunner.ts
// runs them. This is the bundle of every command (dist/bundle/cli.js); `vmctx rng` has its own
// (rngMain.ts).
import { processIO, type CliIO } from './cliIo';
import type { CliCommand } from './commands/cliCommand';
import { checkCommand } from './commands/checkCommand';
import { buildCommand } from './commands/buildCommand';
import { rngCommand } from './commands/rngCommand';
import { deployCommand } from './commands/deployCommand';
import { runCli, startCli } from './cliRunner';

export const commands: CliCommand[] = [checkCommand, buildCommand, rngCommand, deployCommand];

export function main(argv: string[], io: CliIO = processIO): Promise<number> {
  return runCli(commands, argv, io);
}

if (require.main === module) startCli(commands);
