// Shared by the fault tests: a copy of the example with its blank base image, and vmctx in process.
import { cpSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIO } from '../../../src/cli/cliIo';
import { tempDir } from '../image/helpers';
import { repoRoot } from '../helpers/tempProject';

export async function vmctx(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd, env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000', ...env } };
  const code = await main(args, io);
  return { code, out, err };
}

/** A copy of the example project with its blank (sparse) base image, in `<tmp>/snooze`. */
export function mk(): { dir: string; project: string } {
  const dir = tempDir('vmctx-faults-');
  const project = join(dir, 'snooze');
  cpSync(join(repoRoot, 'examples/snooze-cluster'), project, { recursive: true, filter: (s) => !s.includes('/build') });
  writeFileSync(join(project, 'images/debian-base.raw'), '');
  truncateSync(join(project, 'images/debian-base.raw'), 64 << 20);
  return { dir, project };
}

