// The incremental build record (`build/.vmcontext-build.json`): what the last ISO was built
// from, and per context file its size/mtime/inode/ctime, so unchanged files (common/fileIdentity's
// inputUnchanged) are not read again. With
// an external tool's image, each file's content hash; with the embedded writer's, where the
// file's bytes lie in the image (a file whose identity changed is compared with them: no file
// is hashed to build an image).

import { imageIdentityVerdict, inputUnchanged, type FileIdentity } from '../common/fileIdentity';

export interface FileHash extends FileIdentity {
  sha256: string;
}

/** A context file as the last build saw it: `sha256` (external tools) or `sector` (the embedded writer's image). */
export interface ContextFileRecord extends FileIdentity {
  sha256?: string;
  /** First sector of the file's bytes in the recorded image (0 for an empty file). */
  sector?: number;
}

/** A built image: what it was built from, and the image as written (common/fileIdentity's image rule, with its sample). */
export interface IsoRecord {
  output: string;
  inputHash: string;
  size: number;
  mtimeMs: number;
  /** Absent from the records of an earlier vm-context: such an image is built again once. */
  ino?: number;
  ctimeMs?: number;
  sample?: string;
}

export interface BuildState {
  version: 1;
  iso?: IsoRecord;
  /** NoCloud seeds, by output path. */
  seeds?: Record<string, IsoRecord>;
  files: Record<string, ContextFileRecord>;
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

/** One line: the record of thousands of files is written on every build, and indenting it cost a third more time and bytes. */
export function serializeState(state: BuildState): string {
  return JSON.stringify(state) + '\n';
}

/** A context file's recorded hash, while the file is unchanged (inputUnchanged: size, mtime, inode and ctime). */
export function cachedHash(state: { files: Record<string, ContextFileRecord> }, path: string, st: FileIdentity): string | undefined {
  const h = state.files[path];
  return h && inputUnchanged(h, st) ? h.sha256 : undefined;
}

export const IMAGE_CHANGED = 'the image was changed outside the build';

/**
 * Why the ISO must be rebuilt, or undefined when the recorded one is still good as far as the
 * record tells (imageIdentityVerdict 'check': the caller compares the image's sample). With
 * no `inputHash` (not computed yet), only the reasons that do not depend on the inputs.
 */
export function isoStaleReason(state: BuildState, output: string, inputHash: string | undefined, current: FileIdentity | undefined, record = state.iso): string | undefined {
  if (!current) return 'new';
  const r = record;
  if (!r || r.output !== output) return 'no record of an earlier build';
  if (inputHash === undefined) return undefined;
  if (r.inputHash !== inputHash) return 'the context or the options changed';
  if (r.ino === undefined) return 'recorded by an earlier vm-context, without the image\'s inode and change time';
  if (imageIdentityVerdict({ ...r, ino: r.ino }, current) === 'changed') return IMAGE_CHANGED;
  return undefined;
}
