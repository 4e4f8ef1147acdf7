// The incremental build record (`build/.vmcontext-build.json`): what the last ISO was built
// from, and content hashes of the context files keyed by size/mtime/inode so unchanged files
// are not read again.

export interface FileHash {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
}

export interface IsoRecord {
  output: string;
  inputHash: string;
  size: number;
  mtimeMs: number;
}

export interface BuildState {
  version: 1;
  iso?: IsoRecord;
  /** NoCloud seeds, by output path. */
  seeds?: Record<string, IsoRecord>;
  files: Record<string, FileHash>;
}

export const emptyState = (): BuildState => ({ version: 1, files: {} });

/** Parses the record; anything unreadable counts as no record (a full build). */
export function parseState(text: string | undefined): BuildState {
  if (!text) return emptyState();
  try {
    const s = JSON.parse(text) as Partial<BuildState>;
    if (s.version !== 1 || typeof s.files !== 'object' || s.files === null) return emptyState();
    return { version: 1, iso: s.iso, seeds: typeof s.seeds === 'object' && s.seeds !== null ? s.seeds : undefined, files: s.files };
  } catch {
    return emptyState();
  }
}

export function serializeState(state: BuildState): string {
  return JSON.stringify(state, null, 1) + '\n';
}

/** A cached hash is valid while the file's size, mtime and inode are unchanged. */
export function cachedHash(state: BuildState, path: string, st: { size: number; mtimeMs: number; ino: number }): string | undefined {
  const h = state.files[path];
  return h && h.size === st.size && h.mtimeMs === st.mtimeMs && h.ino === st.ino ? h.sha256 : undefined;
}

/**
 * Why the ISO must be rebuilt, or undefined when the recorded one is still good. With no
 * `inputHash` (not computed yet), only the reasons that do not depend on the inputs.
 */
export function isoStaleReason(state: BuildState, output: string, inputHash: string | undefined, current: { size: number; mtimeMs: number } | undefined, record = state.iso): string | undefined {
  if (!current) return 'new';
  const r = record;
  if (!r || r.output !== output) return 'no record of an earlier build';
  if (inputHash === undefined) return undefined;
  if (r.inputHash !== inputHash) return 'the context or the options changed';
  if (r.size !== current.size || r.mtimeMs !== current.mtimeMs) return 'the image was changed outside the build';
  return undefined;
}
