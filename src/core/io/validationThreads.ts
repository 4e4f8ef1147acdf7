// `vmctx rng` and `vmctx check` over many files on worker threads (the extension keeps its
// single-thread scheduler). Each worker loads the compiled schema from the user's cache (the
// main thread has just written it when it was missing) and validates the files it is handed
// with the very functions the main thread uses, so the output is the same on any number of
// threads. Below a few hundred files a worker's start (about 0.1 s of CPU: Node, our bundle,
// the schema) costs more than it saves: see the thresholds.
import * as path from 'node:path';
import type { Diagnostic } from '../common/diagnostic';
import { diagnostic, zeroRange } from '../common/diagnostic';
import type { ContextProject } from '../project/project';
import type { RngSchema } from '../relaxng';
import type { Settings } from '../settings';
import { validateDocument, type DocumentJob } from '../validation/checkProject';
import type { DomainSchemas } from '../validation/domain/domainSchema';
import { createDomainSchemas, loadRngSchemaFile } from './schemaFiles';
import { runPool, threadCount, type PoolOptions } from './workerPool';
import { validateXmlFile } from './xmlFiles';

/** Files per thread below which a worker does not pay for its start (measured: bench whole-process). */
export const RNG_FILES_PER_THREAD = 400;
export const CHECK_FILES_PER_THREAD = 300;

export type ValidationSetup =
  | { kind: 'rng'; schemaFile: string; cacheDir: string | null }
  | { kind: 'check'; project: ContextProject; settings: Settings; bundledSchema: string; cacheDir: string | null };

export interface ThreadOptions extends Pick<PoolOptions<unknown, unknown>, 'signal' | 'onProblem' | 'onDone'> {
  /** Threads in all, the main one included (VMCTX_THREADS); default by the number of files. */
  threads?: number;
}

// Bundled, the worker is dist/validationWorker.js beside dist/cli.js; from the sources (tests,
// benches), the .ts module.
const WORKER_ENTRY = path.join(__dirname, __filename.endsWith('.ts') ? 'validationWorker.ts' : 'validationWorker.js');

const failedHere = (reason: string): Diagnostic[] => [diagnostic('internal-error', 'error', `not checked: ${reason} (please report this)`, zeroRange, { source: 'vm-context' })];

/** Each file's diagnostics against `schema` (compiled from `schemaFile`), in the files' order. */
export function validateXmlFiles(schemaFile: string, schema: RngSchema, files: string[], cacheDir: string | null, o: ThreadOptions = {}): Promise<Diagnostic[][]> {
  return runPool(files, {
    entry: WORKER_ENTRY,
    setup: { kind: 'rng', schemaFile, cacheDir } satisfies ValidationSetup,
    workers: threadCount(files.length, RNG_FILES_PER_THREAD, o.threads) - 1,
    runHere: (file) => validateXmlFile(schema, file),
    failed: (_file, reason) => failedHere(reason),
    signal: o.signal,
    onProblem: o.onProblem,
    onDone: o.onDone,
  });
}

/** checkProject's validateMany for the CLI: the documents of a project over worker threads. */
export function validateDocumentsOnThreads(settings: Settings, schemas: DomainSchemas, cacheDir: string | null, o: ThreadOptions = {}) {
  return (project: ContextProject, jobs: DocumentJob[]): Promise<Diagnostic[][]> => {
    const workers = threadCount(jobs.length, CHECK_FILES_PER_THREAD, o.threads) - 1;
    // Compiled (and its cache entry written) before the workers look for it; a schema that
    // cannot be used is reported here, once.
    if (workers > 0) schemas.load(settings);
    return runPool(jobs, {
      entry: WORKER_ENTRY,
      setup: { kind: 'check', project, settings, bundledSchema: schemas.bundledPath, cacheDir } satisfies ValidationSetup,
      workers,
      runHere: (job) => validateDocument(project, job.file, job.text, settings, schemas),
      failed: (_job, reason) => failedHere(reason),
      signal: o.signal,
      onProblem: o.onProblem,
      onDone: o.onDone,
    });
  };
}

/** A worker's job runner for its setup (validationWorker.ts). */
export function startValidationWorker(setup: ValidationSetup): (job: never) => Diagnostic[] {
  if (setup.kind === 'rng') {
    const { schema } = loadRngSchemaFile(setup.schemaFile, setup.cacheDir);
    return (file: string) => validateXmlFile(schema, file);
  }
  const { project, settings } = setup;
  const schemas = createDomainSchemas(setup.bundledSchema, setup.cacheDir);
  return (job: DocumentJob) => validateDocument(project, job.file, job.text, settings, schemas);
}
