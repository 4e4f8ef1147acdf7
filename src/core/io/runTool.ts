// Runs an external tool with execa: an argument array, never a shell; the AbortSignal kills
// it; a missing tool gives a message naming the setting and the Debian package.
import { CancelledError, UserError } from '../common/errors';
import { missingToolMessage, type ToolMessage } from '../build/tools';
import type { ExternalCommand } from '../build/externalCommands';

export interface ToolResult {
  exitCode: number;
  stderr: string;
  messages: ToolMessage[];
}

/** Runs a planned external command (see build/externalCommands.ts). */
export async function runTool(run: ExternalCommand, options: { signal?: AbortSignal; env?: Record<string, string | undefined> } = {}): Promise<ToolResult> {
  // execa is ESM-only; a dynamic import keeps this CommonJS module loadable (esbuild bundles it).
  const { execa } = await import('execa');
  const result = await execa(run.command, run.args, {
    cwd: run.cwd,
    reject: false,
    shell: false,
    stdin: 'ignore',
    stdout: 'ignore',
    cancelSignal: options.signal,
    forceKillAfterDelay: 2000,
    env: options.env,
    extendEnv: options.env === undefined,
    encoding: 'utf8',
  });
  if (result.isCanceled) throw new CancelledError();
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT' || (result.failed && result.exitCode === undefined && /ENOENT/.test(String(result.message ?? "")))) {
    throw new UserError(missingToolMessage(run.tool, run.command));
  }
  if (code === 'EACCES') throw new UserError(`${run.command} cannot be run (permission denied): check ${run.tool}'s setting`);
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  return { exitCode: result.exitCode ?? 1, stderr, messages: run.parse(stderr) };
}
