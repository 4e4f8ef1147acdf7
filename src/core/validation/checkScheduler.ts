// Whole-project checks in the background: one per project, started a little after the last
// change, cancelled and restarted when a newer change arrives, pausing between files so the
// host's event loop (VS Code's extension host) stays free. No vscode here: the extension and
// the bench drive the same scheduler with their own sink.
import { performance } from 'node:perf_hooks';
import type { FileDiagnostics } from '../common/diagnostic';
import type { ContextProject } from '../project/project';
import type { DomainSchemas } from './domain/domainSchema';
import type { Settings } from '../settings';
import { checkProject, type TextReader } from './checkProject';

export interface CheckSource {
  /** The project as loaded now (from disk). */
  project(root: string): Promise<ContextProject>;
  /** Unsaved texts of open editors inside `root`, by absolute path. */
  overlays(root: string): ReadonlyMap<string, string>;
  /** A file's text on disk. */
  read: TextReader;
  /** The settings that apply to the project (a workspace folder may override them). */
  settings(root: string): Settings;
  schemas: DomainSchemas;
}

export interface CheckSink {
  /** Every problem of the project after a check: its files not listed have none. */
  publish(root: string, results: FileDiagnostics[]): void;
}

export interface SchedulerOptions {
  /** Quiet time after a change before the check starts (typing bursts give one check). */
  delayMs: number;
  /** Longest stretch of checking between two pauses of the event loop. */
  sliceMs?: number;
  onError?: (root: string, e: unknown) => void;
}

interface RootState {
  timer?: ReturnType<typeof setTimeout>;
  controller?: AbortController;
  running?: Promise<void>;
  /** Runs started and not finished, including those waiting for the previous one. */
  starts: number;
}

const DEFAULT_SLICE_MS = 8;
/** The quiet time the extension waits after an edit before checking the project. */
export const CHECK_DELAY_MS = 100;

export class ProjectCheckScheduler {
  private readonly roots = new Map<string, RootState>();
  private waiters: Array<() => void> = [];
  private disposed = false;

  constructor(
    private readonly source: CheckSource,
    private readonly sink: CheckSink,
    private readonly options: SchedulerOptions,
  ) {}

  /** Check `root` once changes have been quiet for `delayMs`; a running check of it is cancelled. */
  request(root: string): void {
    if (this.disposed) return;
    const state = this.state(root);
    state.controller?.abort();
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.start(root).catch(() => undefined);
    }, this.options.delayMs);
  }

  /**
   * Check `root` now (cancelling a pending or running background check) and return what was
   * published. Changes arriving meanwhile do not cancel this one: they are checked after it.
   */
  async checkNow(root: string): Promise<FileDiagnostics[]> {
    const state = this.state(root);
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    state.controller?.abort();
    return this.start(root, false);
  }

  /** Resolves once no check is waiting or running (tests and the bench wait on it). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Forget a project that is gone (its pending check is dropped). */
  forget(root: string): void {
    const state = this.roots.get(root);
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    state.controller?.abort();
    this.roots.delete(root);
    this.settle();
  }

  dispose(): void {
    this.disposed = true;
    for (const root of [...this.roots.keys()]) this.forget(root);
  }

  private state(root: string): RootState {
    let s = this.roots.get(root);
    if (!s) this.roots.set(root, (s = { starts: 0 }));
    return s;
  }

  /** `background`: a run that a newer request cancels (checkNow's runs are not). */
  private async start(root: string, background = true): Promise<FileDiagnostics[]> {
    const state = this.state(root);
    state.starts++;
    try {
      // One run per project at a time: wait for the cancelled one to reach its next pause.
      while (state.running) await state.running.catch(() => undefined);
      // A newer request is already waiting for its quiet time: this run would be wasted.
      if (background && state.timer) return [];
      return await this.runOnce(root, state, background);
    } finally {
      state.starts--;
      this.settle();
    }
  }

  private async runOnce(root: string, state: RootState, cancellable: boolean): Promise<FileDiagnostics[]> {
    const controller = new AbortController();
    if (cancellable) state.controller = controller;
    let results: FileDiagnostics[] = [];
    const run = (async () => {
      const project = await this.source.project(root);
      controller.signal.throwIfAborted();
      results = await checkProject(project, this.source.read, this.source.settings(root), this.source.schemas, {
        overlays: this.source.overlays(root),
        signal: controller.signal,
        pause: slicer(this.options.sliceMs ?? DEFAULT_SLICE_MS),
      });
      if (!this.disposed && this.roots.get(root) === state) this.sink.publish(root, results);
    })();
    state.running = run;
    try {
      await run;
      return results;
    } catch (e) {
      if (!controller.signal.aborted) this.options.onError?.(root, e);
      throw e;
    } finally {
      if (state.running === run) state.running = undefined;
      if (state.controller === controller) state.controller = undefined;
    }
  }

  private isIdle(): boolean {
    return [...this.roots.values()].every((s) => !s.timer && !s.running && s.starts === 0);
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Disk texts kept between checks: an edit re-checks every file, but only the changed ones need
 * reading again. The owner invalidates a file when its watcher says it changed.
 */
export class TextCache {
  private readonly texts = new Map<string, Promise<string | undefined>>();

  constructor(private readonly readDisk: TextReader) {}

  readonly read: TextReader = (file) => {
    let text = this.texts.get(file);
    if (!text) {
      text = this.readDisk(file);
      this.texts.set(file, text);
      // A failed read is not kept: the next check tries again (and reports it).
      text.catch(() => this.texts.delete(file));
    }
    return text;
  };

  invalidate(file: string): void {
    this.texts.delete(file);
  }

  clear(): void {
    this.texts.clear();
  }
}

/** A pause that yields to the event loop only once `sliceMs` of work has gone by. */
function slicer(sliceMs: number): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}
