// The worker pool of `vmctx rng` and `vmctx check`: order, faults of a worker, stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runPool, threadCount, type PoolOptions } from '../../../src/core/io/workerPool';
import { CancelledError } from '../../../src/core/common/errors';
import type { TestJob } from './poolTestWorker';

const ENTRY = path.join(__dirname, 'poolTestWorker.ts');
type Result = { n: number; thread: number } | { failed: string };

// The main thread sleeps a little per job (no CPU), so the workers get a share of the jobs
// even on a loaded machine; the jobs a worker did are told by its thread id.
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
  const out = await runPool(jobs(600), options());
  assert.equal(out.length, 600);
  out.forEach((r, i) => assert.deepEqual('n' in r && r.n, i * 2, `job ${i}: ${JSON.stringify(r)}`));
  const threads = new Set(out.map((r) => 'thread' in r && r.thread));
  assert.ok(threads.has(0), 'the main thread did some');
  assert.ok(threads.size >= 2, `the workers did some: ${[...threads]}`);
});

test('a job that throws in a worker becomes failed(job) with the first line of the error; the others are done', async () => {
  const out = await runPool(jobs(600, (n) => (n % 10 === 3 ? 'throw' : undefined)), options());
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
  const out = await runPool(jobs(600, (n) => (n % 50 === 25 ? 'exit' : undefined)), options({ workers: 1 }));
  const failed = out.flatMap((r, i) => ('failed' in r ? [[i, r.failed] as const] : []));
  assert.ok(failed.length > 0, 'the worker took a job that ends it');
  // What it held: at most two batches of 5.
  assert.ok(failed.length <= 10, `${failed.length} failed`);
  for (const [i, message] of failed) assert.equal(message, `${i}: the worker thread checking it stopped: it exited with code 7`);
  out.forEach((r, i) => 'n' in r && assert.equal(r.n, i * 2));
  assert.equal(out.filter(Boolean).length, 600);
});

test('an uncaught error in a worker: its reason is the error message', async () => {
  const out = await runPool(jobs(400, (n) => (n % 40 === 20 ? 'async-throw' : undefined)), options({ workers: 1 }));
  const failed = out.filter((r): r is { failed: string } => 'failed' in r);
  assert.ok(failed.length > 0, 'the worker died holding a batch');
  for (const f of failed) assert.match(f.failed, /: the worker thread checking it stopped: lost in a timer$/);
  out.forEach((r, i) => 'n' in r && assert.equal(r.n, i * 2));
  assert.equal(out.filter(Boolean).length, 400);
});

test('a worker that cannot start leaves its share to the main thread and says so', async () => {
  const problems: string[] = [];
  const out = await runPool(jobs(100), options({ setup: { failSetup: true }, onProblem: (m) => problems.push(m) }));
  out.forEach((r, i) => assert.deepEqual(r, { n: i * 2, thread: 0 }));
  assert.deepEqual(problems, ['a worker thread could not start: no schema here', 'a worker thread could not start: no schema here']);
  const missing: string[] = [];
  const out2 = await runPool(jobs(500), options({ entry: path.join(__dirname, 'noSuchWorker.js'), workers: 1, onProblem: (m) => missing.push(m) }));
  out2.forEach((r, i) => assert.deepEqual(r, { n: i * 2, thread: 0 }));
  assert.equal(missing.length, 1);
  assert.match(missing[0], /^a worker thread could not start: .*noSuchWorker\.js/);
});

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

test('threadCount: one thread per share of jobs, at most the cores; a request wins up to one per job', () => {
  assert.equal(threadCount(10, 400), 1);
  assert.equal(threadCount(0, 400), 1);
  assert.ok(threadCount(100_000, 400) >= 1);
  assert.equal(threadCount(100_000, 400), Math.min(require('node:os').availableParallelism(), 250));
  assert.equal(threadCount(10, 400, 4), 4);
  assert.equal(threadCount(2, 400, 4), 2);
  assert.equal(threadCount(5, 400, 1), 1);
});
