import type { CliCommand } from './index';
import { EXIT_FAILED } from '../io';

// Filled in by the build engine issue.
export const buildCommand: CliCommand = {
  name: 'build',
  summary: 'build context.iso and the qcow2 overlays of a context project',
  help: 'Usage: vmctx build [DIR] [--only iso|overlays] [--iso-backend auto|embedded|genisoimage|xorriso|mkisofs] [--overlay-backend auto|embedded|qemu-img] [--force]\n',
  async run(_argv, io) {
    io.stderr('vmctx build: not available yet\n');
    return EXIT_FAILED;
  },
};
