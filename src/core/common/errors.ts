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
