// Many independent jobs (files to validate) spread over worker threads, the main thread working
// too. Jobs go out in small batches as threads ask for them, so a slow file or a slow thread
// start never idles the others; results come back in the jobs' order, whichever thread did them.
//
// A worker that cannot start leaves its share to the others (said through onProblem); a worker
// that dies or fails mid-batch turns each job it held into `failed(job, reason)` (one line per
// file, never a lost one); a job that throws in a worker becomes `failed` alone. The signal
// stops every worker and rejects with CancelledError.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { CancelledError, errorMessage } from '../common/errors';

export interface PoolOptions<J, R> {
  /** The worker entry (a module calling serveJobs), absolute. */
  entry: string;
  /** Handed to each worker's `start` (structured-cloneable plain data). */
  setup: unknown;
  /** Extra threads beside the main one (0: everything here). */
  workers: number;
  /** One job on the main thread. */
  runHere(job: J): R;
  /** What a job becomes when its worker threw on it or died holding it (the reason is one line). */
  failed(job: J, reason: string): R;
  /** Jobs per message (default 16): small enough to balance the threads, large enough to keep messages cheap. */
  batchSize?: number;
  signal?: AbortSignal;
  /** A worker that could not start (its jobs are done by the others). */
  onProblem?(message: string): void;
  /** Jobs done by each thread, the main one first (VMCTX_DEBUG prints them). */
  onDone?(jobsPerThread: number[]): void;
}

/** Messages from a worker. */
type FromWorker<R> = { ready: true } | { setupFailed: string } | { batch: number; results: Array<{ ok: R } | { error: string }> };

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  alive: boolean;
  /** Batches sent and not answered: id → first and end job index. */
  inFlight: Map<number, [number, number]>;
  /** Why it stopped, from its 'error' event or its setup. */
  reason?: string;
  done: number;
}

/** Batches a worker holds at once: the next is there when it finishes one. */
const IN_FLIGHT = 2;

/**
 * The threads for `jobs` jobs (main thread included): one per `perThread` jobs, at most the
 * machine's parallelism; `requested` (VMCTX_THREADS) wins, at most one per job.
 */
export function threadCount(jobs: number, perThread: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.min(requested, jobs));
  return Math.max(1, Math.min(availableParallelism(), Math.floor(jobs / perThread)));
}

export async function runPool<J, R>(jobs: readonly J[], o: PoolOptions<J, R>): Promise<R[]> {
  const results = new Array<R>(jobs.length);
  const size = Math.max(1, o.batchSize ?? 16);
  // Ranges not yet done; a range given back by a worker that never started goes first.
  const queue: Array<[number, number]> = [];
  for (let i = 0; i < jobs.length; i += size) queue.push([i, Math.min(jobs.length, i + size)]);
  let nextBatch = 0;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const workers: PoolWorker[] = [];
  /** Set once the pool ends its workers itself: their exits are no news. */
  let closing = false;

  const fail = (range: [number, number], reason: string) => {
    for (let i = range[0]; i < range[1]; i++) results[i] = o.failed(jobs[i], reason);
  };
  const feed = (w: PoolWorker) => {
    while (w.alive && w.ready && w.inFlight.size < IN_FLIGHT && queue.length) {
      const range = queue.shift()!;
      const id = nextBatch++;
      w.inFlight.set(id, range);
      w.worker.postMessage({ batch: id, jobs: jobs.slice(range[0], range[1]) });
    }
  };

  const count = jobs.length === 0 ? 0 : Math.max(0, o.workers);
  for (let k = 0; k < count; k++) {
    let worker: Worker;
    try {
      worker = startWorker(o.entry, o.setup);
    } catch (e) {
      o.onProblem?.(`a worker thread could not start: ${errorMessage(e)}`);
      break;
    }
    const w: PoolWorker = { worker, ready: false, alive: true, inFlight: new Map(), done: 0 };
    workers.push(w);
    worker.on('message', (m: FromWorker<R>) => {
      if ('ready' in m) {
        w.ready = true;
        feed(w);
      } else if ('setupFailed' in m) {
        w.reason = m.setupFailed;
      } else {
        const range = w.inFlight.get(m.batch);
        if (!range) return;
        w.inFlight.delete(m.batch);
        w.done += m.results.length;
        m.results.forEach((r, k) => {
          const i = range[0] + k;
          results[i] = 'ok' in r ? r.ok : o.failed(jobs[i], r.error);
        });
        feed(w);
      }
      notify();
    });
    worker.on('error', (e) => {
      w.reason ??= errorMessage(e);
    });
    worker.on('exit', (code) => {
      w.alive = false;
      if (closing) return;
      if (!w.ready) {
        // It never took a job: the others do its share.
        o.onProblem?.(`a worker thread could not start: ${w.reason ?? `it exited with code ${code}`}`);
      }
      const reason = `the worker thread checking it stopped: ${w.reason ?? `it exited with code ${code}`}`;
      for (const range of w.inFlight.values()) fail(range, reason);
      w.inFlight.clear();
      notify();
    });
  }

  let doneHere = 0;
  const onAbort = () => notify();
  o.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (o.signal?.aborted) throw new CancelledError();
      for (const w of workers) feed(w);
      const range = queue.shift();
      if (range) {
        for (let i = range[0]; i < range[1]; i++) results[i] = o.runHere(jobs[i]);
        doneHere += range[1] - range[0];
        // Let the workers' answers and requests, and a stop signal, in between two batches of ours.
        if (workers.length || o.signal) await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (!workers.some((w) => w.inFlight.size)) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    closing = true;
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
  o.onDone?.([doneHere, ...workers.map((w) => w.done)]);
  return results;
}

/** The `.ts` sources (tests, benches under tsx) load their TypeScript through tsx in the worker too. */
function startWorker(entry: string, setup: unknown): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry, { workerData: setup });
  const tsx = require.resolve('tsx/cjs', { paths: [path.dirname(entry)] });
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { eval: true, workerData: setup });
}

/**
 * The worker's side: `start(setup)` once (a failure is reported and ends the worker), then
 * answers each batch with each job's result or the one-line message of what it threw.
 */
export function serveJobs<S, J, R>(start: (setup: S) => (job: J) => R): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread only');
  let run: (job: J) => R;
  try {
    run = start(workerData as S);
  } catch (e) {
    port.postMessage({ setupFailed: errorMessage(e) } satisfies FromWorker<R>);
    return;
  }
  port.on('message', (m: { batch: number; jobs: J[] }) => {
    const results = m.jobs.map((job) => {
      try {
        return { ok: run(job) };
      } catch (e) {
        return { error: errorMessage(e).split('\n')[0] };
      }
    });
    port.postMessage({ batch: m.batch, results } satisfies FromWorker<R>);
  });
  port.postMessage({ ready: true } satisfies FromWorker<R>);
}
