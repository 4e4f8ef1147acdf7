// Whether to (re)write an overlay. Never destroys data: an overlay that holds data is left
// alone unless forced; an empty one already pointing at the right base is left alone too.
import type { OverlaySpec } from '../image/qcow2/overlay-writer';

/** What is at the overlay's path now. */
export type ExistingOverlay =
  | { kind: 'missing' }
  | { kind: 'not-qcow2' }
  | { kind: 'qcow2'; empty: boolean; allocatedL1: number; snapshots: number; backingName?: string; backingFormat?: string; size: number };

export type OverlayDecision =
  | { action: 'write'; reason: string }
  | { action: 'keep'; reason: string }
  | { action: 'refuse'; reason: string };

export function decideOverlay(existing: ExistingOverlay, want: OverlaySpec, force: boolean): OverlayDecision {
  if (existing.kind === 'missing') return { action: 'write', reason: 'new' };
  if (existing.kind === 'not-qcow2') {
    return force ? { action: 'write', reason: 'replaced a file that was no qcow2 image (--force)' }
      : { action: 'refuse', reason: 'exists and is no qcow2 image; left alone (--force replaces it)' };
  }
  const differences: string[] = [];
  if (existing.backingName !== want.backingName) differences.push(`backing file "${existing.backingName ?? ''}" instead of "${want.backingName}"`);
  if (existing.backingFormat !== want.backingFormat) differences.push(`backing format ${existing.backingFormat ?? 'unset'} instead of ${want.backingFormat}`);
  if (existing.size !== want.size) differences.push(`virtual size ${existing.size} instead of ${want.size}`);
  if (!existing.empty) {
    const what = existing.snapshots ? `${existing.snapshots} snapshot(s)` : `data (${existing.allocatedL1} allocated L1 entr${existing.allocatedL1 === 1 ? 'y' : 'ies'})`;
    if (force) return { action: 'write', reason: `recreated with --force, discarding the VM's ${what}` };
    const why = differences.length ? `is out of date (${differences.join(', ')}) but ` : '';
    return { action: 'refuse', reason: `${why}holds the VM's ${what}; left alone (--force recreates it and discards that data)` };
  }
  if (differences.length) return { action: 'write', reason: `empty and out of date: ${differences.join(', ')}` };
  if (force) return { action: 'write', reason: 'rewritten (--force)' };
  return { action: 'keep', reason: 'up to date (empty, same base)' };
}
