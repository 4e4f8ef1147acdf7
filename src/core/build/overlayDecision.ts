// What a VM's overlay is now and whether a build (re)writes it: one decision for `vmctx build`,
// the VS Code build and the explorer. Never destroys data: an overlay that holds data is left
// alone unless forced; an empty one already pointing at the right base is left alone too.
import { overlayVirtualSize, type OverlaySpec } from '../image/qcow2/overlayWriter';

/** What is at the overlay's path now (`fileSize`: bytes on disk). */
export type ExistingOverlay =
  | { kind: 'missing' }
  | { kind: 'not-qcow2'; fileSize: number }
  /** qcow2 magic and version, but a header QEMU would not open or that cannot prove the image empty. */
  | { kind: 'damaged'; reason: string; fileSize: number }
  | { kind: 'qcow2'; empty: boolean; allocatedL1: number; snapshots: number; backingName?: string; backingFormat?: string; size: number; fileSize: number };

/**
 * - `missing`: no file yet;
 * - `invalid`: a file that is no qcow2 image, or a damaged one (kept: it cannot be proven empty);
 * - `empty`: empty and up to date (a build keeps it);
 * - `outdated`: differs from what a build writes (`differences`); a build rewrites it unless
 *   it holds data (`holds`), then it is left alone unless forced;
 * - `data`: up to date and holds the VM's data or snapshots (a build keeps it).
 */
export type OverlayCondition = 'missing' | 'invalid' | 'empty' | 'outdated' | 'data';

export interface OverlayStatus {
  condition: OverlayCondition;
  /** How it differs from the overlay a build would write; empty when up to date or unknown. */
  differences: string[];
  /** What the VM left in it, e.g. `data (1 allocated L1 entry)` or `2 snapshot(s)`. */
  holds?: string;
  /** Bytes on disk, when the file exists. */
  fileSize?: number;
  /** What a build (without --force) does with it and why: the line `vmctx build` prints. */
  reason: string;
}

export type OverlayDecision =
  | { action: 'write'; reason: string }
  | { action: 'keep'; reason: string }
  | { action: 'refuse'; reason: string };

function decide(existing: ExistingOverlay, differences: string[], holds: string | undefined, force: boolean): OverlayDecision {
  if (existing.kind === 'missing') return { action: 'write', reason: 'new' };
  if (existing.kind === 'not-qcow2') {
    return force ? { action: 'write', reason: 'replaced a file that was no qcow2 image (--force)' }
      : { action: 'refuse', reason: 'exists and is no qcow2 image; left alone (--force replaces it)' };
  }
  if (existing.kind === 'damaged') {
    return force ? { action: 'write', reason: `replaced a damaged qcow2 image (${existing.reason}) (--force)` }
      : { action: 'refuse', reason: `is a damaged qcow2 image (${existing.reason}) that cannot be proven empty; left alone (--force replaces it)` };
  }
  if (holds) {
    if (force) return { action: 'write', reason: `recreated with --force, discarding the VM's ${holds}` };
    const why = differences.length ? `is out of date (${differences.join(', ')}) but ` : '';
    return { action: 'refuse', reason: `${why}holds the VM's ${holds}; left alone (--force recreates it and discards that data)` };
  }
  if (differences.length) return { action: 'write', reason: `empty and out of date: ${differences.join(', ')}` };
  if (force) return { action: 'write', reason: 'rewritten (--force)' };
  return { action: 'keep', reason: 'up to date (empty, same base)' };
}

function holdsOf(existing: ExistingOverlay): string | undefined {
  if (existing.kind !== 'qcow2' || existing.empty) return undefined;
  const n = existing.allocatedL1;
  return existing.snapshots ? `${existing.snapshots} snapshot(s)` : `data (${n} allocated L1 entr${n === 1 ? 'y' : 'ies'})`;
}

function differencesOf(existing: ExistingOverlay, want: OverlaySpec): string[] {
  if (existing.kind !== 'qcow2') return [];
  const differences: string[] = [];
  if (existing.backingName !== want.backingName) differences.push(`backing file "${existing.backingName ?? ''}" instead of "${want.backingName}"`);
  if (existing.backingFormat !== want.backingFormat) differences.push(`backing format ${existing.backingFormat ?? 'unset'} instead of ${want.backingFormat}`);
  const size = overlayVirtualSize(want.size);
  if (existing.size !== size) differences.push(`virtual size ${existing.size} instead of ${size}`);
  return differences;
}

/**
 * The overlay's status against the one a build would write (`want`); without `want` (no usable
 * base image) only what the file itself says: missing, invalid, empty or holding data.
 */
export function overlayStatus(existing: ExistingOverlay, want: OverlaySpec | undefined): OverlayStatus {
  const fileSize = existing.kind === 'missing' ? undefined : existing.fileSize;
  const holds = holdsOf(existing);
  const differences = want ? differencesOf(existing, want) : [];
  const condition: OverlayCondition =
    existing.kind === 'missing' ? 'missing' : existing.kind === 'not-qcow2' || existing.kind === 'damaged' ? 'invalid' : differences.length ? 'outdated' : holds ? 'data' : 'empty';
  let reason = decide(existing, differences, holds, false).reason;
  if (!want && existing.kind === 'qcow2') reason = holds ? `holds the VM's ${holds}` : 'empty; no usable base image to compare it with';
  return { condition, differences, holds, fileSize, reason };
}

export function decideOverlay(existing: ExistingOverlay, want: OverlaySpec, force: boolean): OverlayDecision {
  return decide(existing, differencesOf(existing, want), holdsOf(existing), force);
}
