// `vmctx rng` and `vmctx check` over many files on worker threads (the extension keeps its
// single-thread scheduler). Each worker loads the compiled schema from the user's cache (the
// main thread has just written it when it was missing) and validates the files it is handed
// with the very functions the main thread uses, so the output is the same on any number of
// threads. A worker pays for its start and warm-up only with many files: see the thresholds.
import * as path from 'node:path';
import type { Diagnostic } from '../common/diagnostic';
import { diagnostic, zeroRange } from '../common/diagnostic';
import type { ContextProject } from '../project/project';
import type { RngSchema } from '../relaxng';
import type { Settings } from '../settings';
import { validateDocument, type DocumentJob } from '../validation/checkProject';
import type { DomainSchemas } from '../validation/domain/domainSchema';
import { createDomainSchemas, loadRngSchemaFile } from './schemaFiles';
import { WorkerGroup, runPool, threadCount, type PoolOptions } from './workerPool';
import { validateXmlFile } from './xmlFiles';
import { oneRunFileReader } from './nodeFileSystem';

/**
 * Files per thread below which a worker does not pay for itself. A fresh thread warms up (JIT,
 * the schema's derivatives, which each thread learns anew): in a worker the first 700 of
 * libvirt's test files took 1.3 s of CPU, the next 1,560 0.7 s (2 loaded cores).
 */
export const RNG_FILES_PER_THREAD = 1000;
export const CHECK_FILES_PER_THREAD = 500;

export type ValidationSetup =
  | { kind: 'rng'; schemaFile: string; cacheDir: string | null }
  | { kind: 'check'; settings: Settings; bundledSchema: string; cacheDir: string | null };

export interface ThreadOptions extends Pick<PoolOptions<unknown, unknown>, 'signal' | 'onProblem' | 'onDone' | 'workersFirst'> {
  /** Threads in all, the main one included (VMCTX_THREADS); default by the number of files. */
  threads?: number;
}

// Bundled, the worker is dist/bundle/validationWorker.js beside the CLI bundle; from the sources (tests,
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
    workersFirst: o.workersFirst,
  });
}

/**
 * The threads of `vmctx check`: workers start while the project loads, as soon as the files it
 * has read call for them (each loads the domain schema meanwhile), and then take their share
 * of the documents (checkProject's validateMany) with the loaded project as their context.
 * The texts are those the project was loaded from (the CLI reads each file once): the project's
 * TemplateInfo stands for each template, and no parsed document is kept (validateDocument's
 * loadedText).
 */
export class CheckThreads {
  private group?: WorkerGroup;
  private reads = 0;
  private readonly setup: ValidationSetup;

  constructor(
    private readonly settings: Settings,
    private readonly schemas: DomainSchemas,
    cacheDir: string | null,
    private readonly o: ThreadOptions = {},
  ) {
    this.setup = { kind: 'check', settings, bundledSchema: schemas.bundledPath, cacheDir };
  }

  /** The project loader read one more file. */
  readonly fileRead = (): void => {
    this.reads++;
    this.startWorkers(threadCount(this.reads, CHECK_FILES_PER_THREAD, this.o.threads) - 1);
  };

  /** checkProject's validateMany; `signal` stops the run and its workers. */
  validateMany = (signal?: AbortSignal) => (project: ContextProject, jobs: DocumentJob[]): Promise<Diagnostic[][]> => {
    const workers = threadCount(jobs.length, CHECK_FILES_PER_THREAD, this.o.threads) - 1;
    if (workers === 0) this.close();
    else {
      // Compiled (and its cache entry written) here, once, if no worker has done it yet; a
      // schema that cannot be used is reported by this thread.
      this.schemas.load(this.settings);
      this.startWorkers(workers);
    }
    return runPool(jobs, {
      entry: WORKER_ENTRY,
      setup: this.setup,
      workers: this.group ?? 0,
      context: project,
      runHere: (job) => validateDocument(project, job.file, job.text, this.settings, this.schemas, true),
      failed: (_job, reason) => failedHere(reason),
      signal,
      onProblem: this.o.onProblem,
      onDone: this.o.onDone,
    });
  };

  /** Ends workers no run took (a check that stopped early). */
  close(): void {
    this.group?.close();
    this.group = undefined;
  }

  private startWorkers(count: number): void {
    if (count <= (this.group?.workers.length ?? 0)) return;
    if (!this.group) this.group = new WorkerGroup(WORKER_ENTRY, this.setup, count, this.o.onProblem);
    else this.group.grow(this.setup, count);
  }
}

/** A worker's job runner for its setup (validationWorker.ts). */
export function startValidationWorker(setup: ValidationSetup): (job: never, context: never) => Diagnostic[] {
  if (setup.kind === 'rng') {
    const { schema } = loadRngSchemaFile(setup.schemaFile, setup.cacheDir);
    return (file: string) => validateXmlFile(schema, file);
  }
  const { settings } = setup;
  const schemas = createDomainSchemas(setup.bundledSchema, setup.cacheDir, oneRunFileReader());
  // Loaded now, while the main thread still loads the project.
  schemas.load(settings);
  return (job: DocumentJob, project: ContextProject) => validateDocument(project, job.file, job.text, settings, schemas, true);
}
