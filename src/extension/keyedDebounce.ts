// A per-key debounce: the last call for a key within `delayMs` runs, once. Documents (by URI)
// and projects (by root) each get their own timer, so typing in one file delays only its check.
import type * as vscode from 'vscode';

export class KeyedDebounce implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  /** Runs `run` after `delayMs` unless `key` is scheduled again (or cancelled) first. */
  schedule(key: string, run: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        run();
      }, this.delayMs),
    );
  }

  cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
