// Process helpers for the boot proof. execa is ESM-only; a dynamic import keeps these
// CommonJS test modules loadable under tsx.
export interface RunOptions {
  cwd?: string;
  input?: string;
  env?: Record<string, string | undefined>;
  timeout?: number;
}

/** Runs a program (argument array, no shell); rejects on a non-zero exit; returns stdout. */
export async function run(file: string, args: string[], options: RunOptions = {}): Promise<string> {
  const { execa } = await import('execa');
  const r = await execa(file, args, { ...options, encoding: 'utf8', stripFinalNewline: false });
  return r.stdout;
}

/** Same, returning stdout as bytes. */
export async function runBytes(file: string, args: string[], options: RunOptions = {}): Promise<Uint8Array> {
  const { execa } = await import('execa');
  const r = await execa(file, args, { ...options, encoding: 'buffer' });
  return r.stdout;
}

/** `a | b` without a shell, the first one's output streamed (a kernel package is 400 MB). */
export async function pipe(a: [string, string[]], b: [string, string[]]): Promise<void> {
  const { execa } = await import('execa');
  await execa(a[0], a[1], { buffer: false }).pipe(b[0], b[1]);
}
