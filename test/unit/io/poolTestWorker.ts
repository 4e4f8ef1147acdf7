// A worker for workerPool.test.ts: doubles numbers, and misbehaves on request.
import { threadId } from 'node:worker_threads';
import { serveJobs } from '../../../src/core/io/workerPool';

export interface TestJob {
  n: number;
  /** throw: the job throws; exit: the thread ends (process.exit in a worker ends the worker only); async-throw: an uncaught error after the answer. */
  fault?: 'throw' | 'exit' | 'async-throw';
}

const endThread: (code: number) => never = process.exit.bind(process);

serveJobs((setup: { failSetup?: boolean }) => {
  if (setup.failSetup) throw new Error('no schema here');
  return (job: TestJob, context?: { add: number }) => {
    if (job.fault === 'throw') throw new Error(`job ${job.n} is bad\nsecond line`);
    // In a worker thread, process.exit ends the thread alone: the worker dies mid-job.
    if (job.fault === 'exit') endThread(7);
    if (job.fault === 'async-throw') setTimeout(() => { throw new Error('lost in a timer'); }, 0);
    return { n: job.n * 2 + (context?.add ?? 0), thread: threadId };
  };
});
