// What the explorer says of a built context.iso: its label (read back from the image) and
// whether it is older than the context folder it was made from.

const SECTOR = 2048;
const PVD_OFFSET = 16 * SECTOR;
/** Bytes to read from the start of an ISO to reach the primary volume descriptor. */
export const ISO_HEAD_BYTES = PVD_OFFSET + SECTOR;

/** The volume label of an ISO 9660 image from its first ISO_HEAD_BYTES, else undefined. */
export function readIsoLabel(head: Uint8Array): string | undefined {
  if (head.length < PVD_OFFSET + 72) return undefined;
  const pvd = head.subarray(PVD_OFFSET);
  // Type 1 (primary), then "CD001".
  if (pvd[0] !== 1 || String.fromCharCode(...pvd.subarray(1, 6)) !== 'CD001') return undefined;
  return String.fromCharCode(...pvd.subarray(40, 72)).replace(/[ \0]+$/, '');
}

export type IsoFreshness = 'missing' | 'fresh' | 'stale';

export interface IsoFacts {
  exists: boolean;
  size?: number;
  mtimeMs?: number;
  label?: string;
}

export interface IsoState extends IsoFacts {
  freshness: IsoFreshness;
  /** Why it is stale, for the tooltip. */
  reason?: string;
}

/**
 * Stale when a context file (or a folder, whose time changes when a file is removed) is newer
 * than the image, or the label differs from the project's.
 */
export function isoStateOf(facts: IsoFacts, newestInputMs: number | undefined, expectedLabel: string): IsoState {
  if (!facts.exists) return { ...facts, freshness: 'missing' };
  if (newestInputMs !== undefined && facts.mtimeMs !== undefined && newestInputMs > facts.mtimeMs) {
    return { ...facts, freshness: 'stale', reason: 'the context folder changed since it was built' };
  }
  if (facts.label !== undefined && facts.label !== expectedLabel) {
    return { ...facts, freshness: 'stale', reason: `its label is ${facts.label}, the project's is ${expectedLabel}` };
  }
  return { ...facts, freshness: 'fresh' };
}
