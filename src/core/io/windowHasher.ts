// SHA-256 of the files the ISO writer streams, computed on a worker thread from the writer's
// own windows (shared memory, no copy): the hash costs the writer one message per window of a
// few MiB instead of ~0.1 s of its thread for 130 MB, and the files are still read once.
// Where no worker can start, the same hashes are computed on the caller's thread.
import { createHash, type Hash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { WindowPiece } from '../image/iso9660/stream';

export interface WindowHasher {
  /** The writer's windows: shared memory when a worker hashes them. */
  allocate(bytes: number): Uint8Array;
  /** Hashes the pieces of the files `wanted` in a window; resolves once the window may be reused. */
  onWindow(window: Uint8Array, pieces: readonly WindowPiece[]): void | Promise<void>;
  /** The SHA-256 (hex) of every wanted file whose last piece was seen, by source. */
  digests(): Promise<Map<string, string>>;
  /** Stops the worker; pending windows reject. Safe to call twice. */
  close(): void;
  /** Resolves true once a worker hashes the windows, false when they are hashed on the caller's thread. */
  started(): Promise<boolean>;
}

// The worker: keeps one hash per file id, updates it from the shared window, answers with the
// digests of the files a window ended. Plain JavaScript, evaluated as is (no bundle needed).
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', ({ seq, buffer, offset, pieces }) => {
  const done = [];
  for (let i = 0; i < pieces.length; i += 4) {
    const id = pieces[i];
    let h = hashes.get(id);
    if (!h) hashes.set(id, (h = createHash('sha256')));
    h.update(new Uint8Array(buffer, offset + pieces[i + 1], pieces[i + 2]));
    if (pieces[i + 3]) {
      done.push(id, h.digest('hex'));
      hashes.delete(id);
    }
  }
  parentPort.postMessage({ seq, done });
});
`;

/** Hashes pieces on the caller's thread: where no worker can start, and until it has started. */
class LocalHashes {
  private readonly hashes = new Map<string, Hash>();
  constructor(private readonly out: Map<string, string>) {}

  /** Whether a file's hash is under way here (its later pieces must come here too). */
  has(source: string): boolean {
    return this.hashes.has(source);
  }

  add(window: Uint8Array, p: WindowPiece): void {
    const source = p.file.source;
    let h = this.hashes.get(source);
    if (!h) this.hashes.set(source, (h = createHash('sha256')));
    h.update(window.subarray(p.at, p.at + p.length));
    if (p.last) {
      this.out.set(source, h.digest('hex'));
      this.hashes.delete(source);
    }
  }
}

function inThreadHasher(wanted: ReadonlySet<string>): WindowHasher {
  const out = new Map<string, string>();
  const local = new LocalHashes(out);
  return {
    allocate: (bytes) => new Uint8Array(bytes),
    onWindow(window, pieces) {
      for (const p of pieces) if (wanted.has(p.file.source)) local.add(window, p);
    },
    digests: async () => out,
    close: () => undefined,
    started: async () => false,
  };
}

/**
 * From this many bytes to hash on, a worker: starting one costs about 0.1 s of CPU (a Node
 * environment of its own), as much as SHA-256 of ~130 MB with SHA-NI. Measured on 2 shared
 * cores, the 130 MB bench context built with the worker took more CPU (~1.0 s against ~0.87 s)
 * and no less wall time, so the worker only pays where the hash is several times its start:
 * large images. A machine of one core gains nothing from it.
 */
export const WORKER_MIN_BYTES = 256 << 20;

/** Hashes the files whose source is in `wanted`, `bytes` in all (on a worker thread when worth it). */
export function startWindowHasher(wanted: ReadonlySet<string>, bytes: number): WindowHasher {
  if (!wanted.size || bytes < WORKER_MIN_BYTES || availableParallelism() < 2) return inThreadHasher(wanted);
  let worker: Worker;
  try {
    // No inherited options: the source is CommonJS whatever flags (--input-type=module, a loader) the caller runs with.
    worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
  } catch {
    return inThreadHasher(wanted);
  }
  // Ended by close(), which the build always calls once the write is over or has failed.
  const ids = new Map<string, number>();
  const sources: string[] = [];
  const out = new Map<string, string>();
  const waiting = new Map<number, { resolve(): void; reject(e: Error): void }>();
  // Until the worker has started (tens of ms), the files beginning in a window are hashed here,
  // so the writer never waits for it; a file is hashed where its first piece was.
  const local = new LocalHashes(out);
  let online = false;
  const started = new Promise<boolean>((resolve) => {
    worker.once('online', () => resolve((online = true)));
    worker.once('exit', () => resolve(online));
  });
  let seq = 0;
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure ??= e;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on('message', (m: { seq: number; done: Array<number | string> }) => {
    for (let i = 0; i < m.done.length; i += 2) out.set(sources[m.done[i] as number], m.done[i + 1] as string);
    waiting.get(m.seq)?.resolve();
    waiting.delete(m.seq);
  });
  // A worker that never started leaves every window to this thread; one that dies after, with
  // windows of it unanswered, fails the write (their files' hashes are lost).
  worker.on('error', (e) => online && fail(new Error(`the thread hashing the ISO's files failed: ${e.message}`)));
  worker.on('exit', (code) => online && fail(new Error(`the thread hashing the ISO's files stopped (exit code ${code})`)));
  return {
    allocate: (bytes) => new Uint8Array(new SharedArrayBuffer(bytes)),
    onWindow(window, pieces) {
      if (failure) return Promise.reject(failure);
      // Flat [id, at, length, last] quadruples: one small message per window.
      const flat: number[] = [];
      for (const p of pieces) {
        const source = p.file.source;
        if (!wanted.has(source)) continue;
        if (!online || local.has(source)) {
          local.add(window, p);
          continue;
        }
        let id = ids.get(source);
        if (id === undefined) {
          ids.set(source, (id = sources.length));
          sources.push(source);
        }
        flat.push(id, p.at, p.length, p.last ? 1 : 0);
      }
      if (!flat.length) return;
      const n = seq++;
      return new Promise<void>((resolve, reject) => {
        waiting.set(n, { resolve, reject });
        worker.postMessage({ seq: n, buffer: window.buffer, offset: window.byteOffset, pieces: flat });
      });
    },
    async digests() {
      if (failure) throw failure;
      return out;
    },
    close() {
      fail(new Error('the ISO write was stopped'));
      void worker.terminate();
    },
    started: () => started,
  };
}
