// The entry of a validation worker thread (bundled as dist/validationWorker.js): see validationThreads.ts.
import { serveJobs } from './workerPool';
import { startValidationWorker } from './validationThreads';

serveJobs(startValidationWorker);
