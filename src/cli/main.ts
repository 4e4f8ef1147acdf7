// vmctx: the command-line face of the core. Each command lives in commands/<name>.ts.
import { processIO, UsageError, EXIT_USAGE, EXIT_FAILED, type CliIO } from './cliIo';
import type { CliCommand } from './commands/cliCommand';
import { checkCommand } from './commands/checkCommand';
import { buildCommand } from './commands/buildCommand';
import { rngCommand } from './commands/rngCommand';
import { deployCommand } from './commands/deployCommand';
import { UserError, errorMessage } from '../core/common/errors';

export const commands: CliCommand[] = [checkCommand, buildCommand, rngCommand, deployCommand];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: vmctx <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `vmctx <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`vmctx: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`vmctx ${name}: ${e.message}\nRun \`vmctx ${name} --help\` for usage.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof UserError) {
      io.stderr(`vmctx ${name}: ${e.message}${e.hint ? `\n${e.hint}` : ''}\n`);
      return EXIT_FAILED;
    }
    io.stderr(`vmctx ${name}: internal error: ${errorMessage(e)}\n${e instanceof Error && e.stack ? e.stack + '\n' : ''}`);
    return EXIT_FAILED;
  }
}

declare const VMCTX_VERSION: string | undefined;
const VERSION = typeof VMCTX_VERSION === 'string' ? VMCTX_VERSION : 'dev';

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`vmctx: ${errorMessage(e)}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}
