// The input of the ISO writer: a plain tree of the files to store, already checked by a
// scanner (see src/core/io/contextScan.ts). Names are the real (Rock Ridge) names.
import type { DiagnosticCode } from '../../common/diagnosticCodes';

export interface IsoFile {
  kind: 'file';
  name: string;
  /** Permission bits (mode & 0o7777) of the source. */
  mode: number;
  size: number;
  /** Opaque key handed back to the file reader, e.g. an absolute path. */
  source: string;
}

export interface IsoSymlink {
  kind: 'symlink';
  name: string;
  /** Relative target that stays inside the tree, '/'-separated. */
  target: string;
}

export interface IsoDirectory {
  kind: 'dir';
  name: string;
  mode: number;
  children: IsoNode[];
}

export type IsoNode = IsoFile | IsoSymlink | IsoDirectory;

export interface IsoOptions {
  /** Volume label, written to both volume descriptors. Default `CONTEXT`. */
  label?: string;
  /** Every date in the image, seconds since 1970 (UTC): one value keeps builds reproducible. */
  date: number;
  uid?: number;
  gid?: number;
  applicationId?: string;
}

/** A problem with one entry of the tree; `path` is '/'-separated, relative to the root. */
export interface IsoProblem {
  path: string;
  severity: 'error' | 'warning' | 'information';
  code: DiagnosticCode;
  message: string;
}

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

/** Larger files need ISO level 3 multi-extent files, which this writer does not make: the scan refuses them. */
export const MAX_FILE_SIZE = 0xffffffff;

/**
 * Path tables number directories and give each entry its parent's number in 16 bits, so more
 * than 65,535 directories (the root included) cannot be described; genisoimage refuses too.
 */
export const MAX_DIRECTORIES = 0xffff;
