/** An error whose message is meant for the user as is: it names the file and what to do. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Thrown when an AbortSignal fires; adapters treat it as a silent cancel. */
export class CancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** What a failed file-system call did, by its syscall: for "cannot write build/context.iso". */
const VERBS: Record<string, string> = {
  open: 'open', read: 'read', write: 'write', rename: 'write', mkdir: 'create the folder', unlink: 'remove', rmdir: 'remove',
  stat: 'read', lstat: 'read', scandir: 'read the folder', copyfile: 'copy to', close: 'write', fsync: 'write', ftruncate: 'write',
};

/** A temporary sibling `.NAME.tmp-PID-xxxxxx` is shown as the file it becomes. */
function targetOf(file: string): string {
  return file.replace(/(^|[\\/])\.([^\\/]+)\.tmp-\d+-[0-9a-f]+$/, '$1$2');
}

/**
 * One line for a file-system error, naming the file and the cause, e.g. `cannot write
 * build/context.iso: no space left on device (ENOSPC)`; `show` makes the path readable.
 * Anything else: its message.
 */
export function ioErrorMessage(e: unknown, show: (path: string) => string = (p) => p): string {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  if (!(e instanceof Error) || typeof err.code !== 'string' || !/^E[A-Z0-9]+$/.test(err.code)) return errorMessage(e);
  // Node's message is "EROFS: read-only file system, open '/p/x'": keep the cause.
  const cause = /^E[A-Z0-9]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message;
  const file = err.path ?? err.dest;
  if (!file) return `${cause} (${err.code})`;
  const verb = (err.syscall && VERBS[err.syscall]) ?? 'use';
  return `cannot ${verb} ${show(targetOf(file))}: ${cause} (${err.code})`;
}
