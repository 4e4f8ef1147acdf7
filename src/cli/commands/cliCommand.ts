import type { CliIO } from '../cliIo';

export interface CliCommand {
  name: string;
  summary: string;
  /** Full help text, printed by `vmctx NAME --help`. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}
