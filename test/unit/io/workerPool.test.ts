// The worker pool of `vmctx rng` and `vmctx check`: order, faults of a worker, stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { WorkerGroup, runPool, threadCount, type PoolOptions } from '../../../src/core/io/workerPool';
import { CancelledError } from '../../../src/core/common/errors';
import type { TestJob } from './poolTestWorker';

const ENTRY = path.join(__dirname, 'poolTestWorker.ts');
type Result = { n: number; thread: number } | { failed: string };

// The workers are ready before the run and the main thread sleeps a little per job (no CPU),
// so the workers get a share of the jobs even on a loaded machine; the jobs a worker did are
// told by its thread id.
const nap = new Int32Array(new SharedArrayBuffer(4));
const options = (over: Partial<PoolOptions<TestJob, Result>> = {}): PoolOptions<TestJob, Result> => ({
  entry: ENTRY,
  setup: {},
  workers: 2,
  batchSize: 5,
  runHere: (job) => {
    Atomics.wait(nap, 0, 0, 3);
    return { n: job.n * 2, thread: 0 };
  },
  failed: (job, reason) => ({ failed: `${job.n}: ${reason}` }),
  ...over,
});
const jobs = (count: number, fault?: (n: number) => TestJob['fault']): TestJob[] => Array.from({ length: count }, (_, n) => ({ n, fault: fault?.(n) }));

test('results come back in the jobs order, each job once, from the main thread and the workers', async () => {
  const out = await runPool(jobs(600), options({ workers: await readyGroup(2) }));
  assert.equal(out.length, 600);
  out.forEach((r, i) => assert.deepEqual('n' in r && r.n, i * 2, `job ${i}: ${JSON.stringify(r)}`));
  const threads = new Set(out.map((r) => 'thread' in r && r.thread));
  assert.ok(threads.has(0), 'the main thread did some');
  assert.ok(threads.size >= 2, `the workers did some: ${[...threads]}`);
});

test('a job that throws in a worker becomes failed(job) with the first line of the error; the others are done', async () => {
  const out = await runPool(jobs(600, (n) => (n % 10 === 3 ? 'throw' : undefined)), options({ workers: await readyGroup(2) }));
  let failed = 0;
  out.forEach((r, i) => {
    if ('failed' in r) {
      failed++;
      assert.equal(i % 10, 3);
      assert.equal(r.failed, `${i}: job ${i} is bad`);
    } else assert.equal(r.n, i * 2);
  });
  assert.ok(failed > 0, 'some throwing jobs went to a worker');
});

test('a worker that dies turns the jobs it held into failed, one line each; no job is lost and nothing hangs', async () => {
  // Every 50th job ends the worker that takes it; the main thread does them without harm.
  const out = await runPool(jobs(600, (n) => (n % 50 === 25 ? 'exit' : undefined)), options({ workers: await readyGroup(1) }));
  const failed = out.flatMap((r, i) => ('failed' in r ? [[i, r.failed] as const] : []));
  assert.ok(failed.length > 0, 'the worker took a job that ends it');
  // What it held: at most two batches of 5.
  assert.ok(failed.length <= 10, `${failed.length} failed`);
  for (const [i, message] of failed) assert.equal(message, `${i}: the worker thread checking it stopped: it exited with code 7`);
  out.forEach((r, i) => 'n' in r && assert.equal(r.n, i * 2));
  assert.equal(out.filter(Boolean).length, 600);
});

test('an uncaught error in a worker: its reason is the error message', async () => {
  const out = await runPool(jobs(400, (n) => (n % 40 === 20 ? 'async-throw' : undefined)), options({ workers: await readyGroup(1) }));
  const failed = out.filter((r): r is { failed: string } => 'failed' in r);
  assert.ok(failed.length > 0, 'the worker died holding a batch');
  for (const f of failed) assert.match(f.failed, /: the worker thread checking it stopped: lost in a timer$/);
  out.forEach((r, i) => 'n' in r && assert.equal(r.n, i * 2));
  assert.equal(out.filter(Boolean).length, 400);
});

test('a worker that cannot start leaves its share to the main thread and says so', async () => {
  // Started ahead (as vmctx check does) and given time to fail before the run.
  const problems: string[] = [];
  const group = new WorkerGroup(ENTRY, { failSetup: true }, 2, (m) => problems.push(m));
  await until(() => group.workers.every((w) => !w.alive));
  const out = await runPool(jobs(100), options({ workers: group }));
  out.forEach((r, i) => assert.deepEqual(r, { n: i * 2, thread: 0 }));
  assert.deepEqual(problems, ['a worker thread could not start: no schema here', 'a worker thread could not start: no schema here']);
  const missing: string[] = [];
  const none = new WorkerGroup(path.join(__dirname, 'noSuchWorker.js'), {}, 1, (m) => missing.push(m));
  await until(() => !none.workers[0].alive);
  const out2 = await runPool(jobs(20), options({ workers: none }));
  out2.forEach((r, i) => assert.deepEqual(r, { n: i * 2, thread: 0 }));
  assert.equal(missing.length, 1);
  assert.match(missing[0], /^a worker thread could not start: .*noSuchWorker\.js/);
});

test('workers started ahead get the run\'s context before their first job', async () => {
  const out = await runPool(jobs(200), options({ workers: await readyGroup(1), context: { add: 1000 } }));
  const byWorker = out.filter((r) => 'thread' in r && r.thread !== 0);
  assert.ok(byWorker.length > 0, 'the ready worker took jobs');
  out.forEach((r, i) => assert.equal('n' in r && r.n, i * 2 + ('thread' in r && r.thread !== 0 ? 1000 : 0)));
});

/** `count` workers, ready for jobs (their start is slow on a loaded machine). */
async function readyGroup(count: number): Promise<WorkerGroup> {
  const group = new WorkerGroup(ENTRY, {}, count);
  await until(() => group.workers.every((w) => w.ready));
  return group;
}

/** Waits (up to 20 s) for a worker's state to change. */
async function until(done: () => boolean): Promise<void> {
  for (let t = 0; !done(); t += 10) {
    if (t > 20_000) assert.fail('the workers never got there');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('the signal stops the pool and its workers: CancelledError, at once', async () => {
  const controller = new AbortController();
  const t0 = Date.now();
  setTimeout(() => controller.abort(), 100);
  // 3 ms a job on the main thread: about 10 s of work if nothing stopped it.
  await assert.rejects(runPool(jobs(3000), options({ signal: controller.signal })), CancelledError);
  assert.ok(Date.now() - t0 < 5000, `stopped after ${Date.now() - t0} ms`);
  // Aborted before it starts: nothing runs.
  let ran = 0;
  await assert.rejects(runPool(jobs(10), options({ signal: AbortSignal.abort(), runHere: () => ({ n: ran++, thread: 0 }) })), CancelledError);
  assert.equal(ran, 0);
});

test('no jobs: no worker, an empty answer', async () => {
  assert.deepEqual(await runPool([], options({ entry: path.join(__dirname, 'noSuchWorker.js'), onProblem: () => assert.fail('no worker should start') })), []);
});

test('threadCount: one thread per share of jobs, one core left to V8; a request wins up to one per job', () => {
  assert.equal(threadCount(10, 400), 1);
  assert.equal(threadCount(0, 400), 1);
  assert.equal(threadCount(100_000, 400), Math.max(1, availableParallelism() - 1));
  assert.equal(threadCount(100_000, 400, undefined, 2), 1);
  assert.equal(threadCount(100_000, 400, undefined, 1), 1);
  assert.equal(threadCount(1_000, 400, undefined, 8), 2);
  assert.equal(threadCount(100_000, 400, undefined, 8), 7);
  assert.equal(threadCount(10, 400, 4), 4);
  assert.equal(threadCount(2, 400, 4), 2);
  assert.equal(threadCount(5, 400, 1), 1);
});
