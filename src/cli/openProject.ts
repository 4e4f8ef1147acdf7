// The project folder of `vmctx check|build|deploy [DIR]`: resolved, checked and loaded the
// same way for every command, with the same one-line errors.
import * as path from 'node:path';
import { UsageError, type CliIO } from './cliIo';
import { nodeFileSystem } from '../core/io/nodeFileSystem';
import { loadProject } from '../core/project/load';
import { isContextProject } from '../core/project/discover';
import { UserError } from '../core/common/errors';
import type { ContextProject } from '../core/project/project';

export async function openProject(command: string, positionals: string[], io: CliIO): Promise<{ dir: string; project: ContextProject }> {
  if (positionals.length > 1) throw new UsageError(`expected at most one project folder, got ${positionals.length}`);
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  const st = await nodeFileSystem.stat(dir);
  if (st?.type !== 'directory') throw new UserError(`${dir} is not a folder`, 'Give the folder of a context project (the one holding context/ or vmcontext.json).');
  if (!(await isContextProject(nodeFileSystem, dir))) {
    throw new UserError(
      `${dir} is not a context project: it has neither vmcontext.json nor a context/ folder with post-install or common/`,
      `Run vmctx ${command} in the project folder, or create context/post-install.`,
    );
  }
  return { dir, project: await loadProject(nodeFileSystem, dir) };
}
