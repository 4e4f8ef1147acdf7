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
  /** Extra threads beside the main one (0: everything here), or a group started earlier with this entry and setup. */
  workers: number | WorkerGroup;
  /** Sent once to each worker before its first job, the second argument of its job runner (the project being checked). */
  context?: unknown;
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
  /**
   * The main thread takes no job until every worker is ready or gone (VMCTX_DEBUG=workers-first):
   * a test of the threads sees them share the work however loaded the machine is, where the
   * main thread alone might otherwise finish before a worker has started.
   */
  workersFirst?: boolean;
}

/** Messages from a worker. */
type FromWorker<R> = { ready: true } | { setupFailed: string } | { batch: number; results: Array<{ ok: R } | { error: string }> };
/** Messages to a worker. */
type ToWorker<J> = { context: unknown } | { batch: number; jobs: J[] };

interface PoolWorker {
  worker: Worker;
  ready: boolean;
  alive: boolean;
  /** Batches sent and not answered: id → first and end job index. */
  inFlight: Map<number, [number, number]>;
  /** Why it stopped, from its 'error' event or its setup. */
  reason?: string;
  exitCode?: number;
  done: number;
  /** The run's context went out to it. */
  hasContext: boolean;
}

interface GroupListener {
  message(w: PoolWorker, m: FromWorker<unknown>): void;
  stopped(w: PoolWorker): void;
}

/**
 * Worker threads starting now, for a run to come (runPool's `workers`): `vmctx check` starts
 * them while the project loads, so they are ready when its templates are. A group serves one
 * run, which ends it; `close` ends one that no run took.
 */
export class WorkerGroup {
  readonly workers: PoolWorker[] = [];
  private listener?: GroupListener;
  private closed = false;

  constructor(
    readonly entry: string,
    setup: unknown,
    count: number,
    private readonly onProblem?: (message: string) => void,
  ) {
    this.add(setup, count);
  }

  /** More workers (up to `count` in all), as a run turns out bigger. */
  grow(setup: unknown, count: number): void {
    this.add(setup, count - this.workers.length);
  }

  private add(setup: unknown, more: number): void {
    for (let k = 0; k < more && !this.closed; k++) {
      let worker: Worker;
      try {
        worker = startWorker(this.entry, setup);
      } catch (e) {
        this.onProblem?.(`a worker thread could not start: ${errorMessage(e)}`);
        return;
      }
      const w: PoolWorker = { worker, ready: false, alive: true, inFlight: new Map(), done: 0, hasContext: false };
      this.workers.push(w);
      worker.on('message', (m: FromWorker<unknown>) => {
        if ('ready' in m) w.ready = true;
        else if ('setupFailed' in m) w.reason = m.setupFailed;
        this.listener?.message(w, m);
      });
      worker.on('error', (e) => {
        w.reason ??= errorMessage(e);
      });
      worker.on('exit', (code) => {
        w.alive = false;
        w.exitCode = code;
        if (this.closed) return;
        // It never took a job: the others do its share.
        if (!w.ready) this.onProblem?.(`a worker thread could not start: ${w.reason ?? `it exited with code ${code}`}`);
        this.listener?.stopped(w);
      });
    }
  }

  /** The run's handlers (one run at a time). */
  listen(listener: GroupListener | undefined): void {
    this.listener = listener;
  }

  /** Ends every worker; the process does not wait for them to be gone. */
  close(): void {
    this.closed = true;
    this.listener = undefined;
    for (const w of this.workers) {
      w.worker.unref();
      void w.worker.terminate();
    }
  }
}

/** Batches a worker holds at once: the next is there when it finishes one. */
const IN_FLIGHT = 2;

/**
 * The threads for `jobs` jobs (main thread included): one per `perThread` jobs, leaving one core
 * to V8's own threads (a single-thread `vmctx rng` already keeps 1.5 cores busy with its garbage
 * collector and compiler: on 2 cores a worker only added CPU, measured in bench parallel);
 * `requested` (VMCTX_THREADS) wins, at most one per job.
 */
export function threadCount(jobs: number, perThread: number, requested?: number, cores = availableParallelism()): number {
  if (requested !== undefined) return Math.max(1, Math.min(requested, jobs));
  return Math.max(1, Math.min(cores - 1, Math.floor(jobs / perThread)));
}

export async function runPool<J, R>(jobs: readonly J[], o: PoolOptions<J, R>): Promise<R[]> {
  const results = new Array<R>(jobs.length);
  const size = Math.max(1, o.batchSize ?? 16);
  const queue: Array<[number, number]> = [];
  for (let i = 0; i < jobs.length; i += size) queue.push([i, Math.min(jobs.length, i + size)]);
  let nextBatch = 0;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const group = o.workers instanceof WorkerGroup ? o.workers : new WorkerGroup(o.entry, o.setup, jobs.length === 0 ? 0 : o.workers, o.onProblem);
  const workers = group.workers;

  const fail = (range: [number, number], reason: string) => {
    for (let i = range[0]; i < range[1]; i++) results[i] = o.failed(jobs[i], reason);
  };
  const send = (w: PoolWorker, m: ToWorker<J>) => w.worker.postMessage(m);
  const feed = (w: PoolWorker) => {
    while (w.alive && w.ready && w.inFlight.size < IN_FLIGHT && queue.length) {
      if (!w.hasContext && o.context !== undefined) send(w, { context: o.context });
      w.hasContext = true;
      const range = queue.shift()!;
      const id = nextBatch++;
      w.inFlight.set(id, range);
      send(w, { batch: id, jobs: jobs.slice(range[0], range[1]) });
    }
  };
  group.listen({
    message(w, m) {
      if ('batch' in m) {
        const range = w.inFlight.get(m.batch);
        if (!range) return;
        w.inFlight.delete(m.batch);
        w.done += m.results.length;
        m.results.forEach((r, k) => {
          const i = range[0] + k;
          results[i] = 'ok' in r ? (r.ok as R) : o.failed(jobs[i], r.error);
        });
      }
      feed(w);
      notify();
    },
    stopped(w) {
      const reason = `the worker thread checking it stopped: ${w.reason ?? `it exited with code ${w.exitCode}`}`;
      for (const range of w.inFlight.values()) fail(range, reason);
      w.inFlight.clear();
      notify();
    },
  });

  let doneHere = 0;
  const onAbort = () => notify();
  o.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (o.signal?.aborted) throw new CancelledError();
      for (const w of workers) feed(w);
      if (o.workersFirst && workers.some((w) => w.alive && !w.ready)) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
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
    group.close();
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
 * answers each batch with each job's result or the one-line message of what it threw; the
 * run's context, when it sends one, is the runner's second argument.
 */
export function serveJobs<S, J, R, C = unknown>(start: (setup: S) => (job: J, context: C) => R): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread only');
  let run: (job: J, context: C) => R;
  try {
    run = start(workerData as S);
  } catch (e) {
    port.postMessage({ setupFailed: errorMessage(e) } satisfies FromWorker<R>);
    return;
  }
  let context: C;
  port.on('message', (m: ToWorker<J>) => {
    if ('context' in m) {
      context = m.context as C;
      return;
    }
    const results = m.jobs.map((job) => {
      try {
        return { ok: run(job, context) };
      } catch (e) {
        return { error: errorMessage(e).split('\n')[0] };
      }
    });
    port.postMessage({ batch: m.batch, results } satisfies FromWorker<R>);
  });
  port.postMessage({ ready: true } satisfies FromWorker<R>);
}
