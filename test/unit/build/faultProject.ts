// Shared by the fault tests: a copy of the example with its blank base image, and vmctx in process.
import { join } from 'node:path';
import { tempDir } from '../image/helpers';
import { copyExampleWithBase, vmctxInProcess, type InProcessRun } from '../helpers/cli';

/** vmctx in process with a fixed SOURCE_DATE_EPOCH (reproducible images). */
export function vmctx(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<InProcessRun> {
  return vmctxInProcess(args, cwd, { SOURCE_DATE_EPOCH: '1700000000', ...env });
}

/** A copy of the example project with its blank (sparse) base image, in `<tmp>/snooze`. */
export function mk(): { dir: string; project: string } {
  const dir = tempDir('vmctx-faults-');
  return { dir, project: copyExampleWithBase('snooze-cluster', join(dir, 'snooze')) };
}

