import type { CliCommand } from './index';
import { EXIT_FAILED } from '../io';

// Filled in by the RELAX NG engine issue.
export const rngCommand: CliCommand = {
  name: 'rng',
  summary: 'validate XML files against a RELAX NG schema (Jing-style output)',
  help: 'Usage: vmctx rng SCHEMA.rng FILE... [--format text|json]\n',
  async run(_argv, io) {
    io.stderr('vmctx rng: not available yet\n');
    return EXIT_FAILED;
  },
};
