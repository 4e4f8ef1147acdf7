// The build plan: steps that are either in-process (the embedded writers) or external-tool
// runs, plus what is skipped and why. Plain data an adapter can show, run and cancel.
import type { OverlaySpec } from '../image/qcow2/overlayWriter';
import type { ExternalCommand, IsoTool } from './externalCommands';
import type { OverlayStatus } from './overlayDecision';
import type { ToolMessage } from './tools';
import type { IsoBackend, OverlayBackend } from '../settings';
import type { DiagnosticCode } from '../common/diagnosticCodes';
import type { BuildState } from './buildState';
import type { ContextScan, FolderListing } from '../io/contextScan';

export type IsoStep = {
  kind: 'iso';
  output: string;
  reason: string;
  label: string;
  contextDir: string;
} & (
  | {
      backend: 'embedded';
      /** Of the tree and options only: the files' contents are checked against the image (buildEngine.ts). */
      inputHash: string;
    }
  | { backend: IsoTool; inputHash: string; tempOutput: string; external: ExternalCommand }
);

export type OverlayStep = {
  kind: 'overlay';
  vm: string;
  output: string;
  reason: string;
  spec: OverlaySpec;
} & ({ backend: 'embedded' } | { backend: 'qemu-img'; tempOutput: string; external: ExternalCommand });

/** One VM's NoCloud seed: files composed in memory (see cloudinit/seed.ts). */
export type SeedStep = {
  kind: 'seed';
  vm: string;
  output: string;
  reason: string;
  inputHash: string;
  label: string;
  date: number;
  files: Array<{ name: string; text: string }>;
} & ({ backend: 'embedded' } | { backend: IsoTool; command: string });

export type BuildStep = IsoStep | OverlayStep | SeedStep;

/** A problem found while planning or building, about one file. */
export interface BuildProblem {
  file: string;
  severity: 'error' | 'warning' | 'information';
  code: DiagnosticCode;
  message: string;
}

/** The ISO as the build sees it: missing, fresh (a build skips it) or stale (a build rewrites it). */
export interface IsoStatus {
  state: 'missing' | 'fresh' | 'stale';
  /** Why a build (re)writes it: the reason `vmctx build` prints, or why it cannot. */
  reason?: string;
  /** Bytes on disk, when it exists. */
  size?: number;
  /** The label read back from the image (filled in by readBuildStatus, not by a plan). */
  label?: string;
}

/**
 * What is there now, as the plan judged it, whether or not it is run: the explorer shows a
 * plan it never runs (readBuildStatus), so it says what a build would do.
 */
export interface BuildStatus {
  /** Undefined when the ISO was not planned (`only: 'overlays'`). */
  iso?: IsoStatus;
  /** NoCloud projects: one per VM. */
  seeds?: Array<{ vm: string; output: string; status: IsoStatus }>;
  /** One per VM with an overlay. */
  overlays: Array<{ vm: string; output: string; status: OverlayStatus }>;
  /** The base image as probed, when it is usable. */
  baseImage?: { format: 'raw' | 'qcow2'; virtualSize: number };
}

export interface BuildPlan {
  steps: BuildStep[];
  skipped: Array<{ output: string; reason: string }>;
  problems: BuildProblem[];
  status: BuildStatus;
  /** The build record as it will be after the steps (file hashes, the ISO written); runBuild saves it. */
  state: BuildState;
  /** The context folder as scanned, when the ISO was planned: the embedded writer stores exactly it. */
  contextScan?: ContextScan;
  /** A NoCloud plan: its seed records are saved like the ISO's. */
  seedsPlanned?: boolean;
}

export interface BuildOptions {
  only?: 'iso' | 'overlays';
  isoBackend?: IsoBackend;
  overlayBackend?: OverlayBackend;
  force?: boolean;
  /** Executables of the external tools (settings `vmContext.tools.*`). */
  tools?: { genisoimage?: string; xorriso?: string; mkisofs?: string; qemuImg?: string };
  /** For SOURCE_DATE_EPOCH and the tools' environment; defaults to process.env. */
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  onProgress?(progress: BuildProgress): void;
  /** The context folder's listings made by the project load of this same run (the CLI's): the ISO scan does not list them again. */
  listed?: FolderListing;
}

export interface BuildProgress {
  /** The output being written. */
  output: string;
  message: string;
  /** 0..1 within the current step, when known. */
  fraction?: number;
}

export interface StepOutcome {
  output: string;
  ok: boolean;
  /** Why it was written (or why it failed). */
  message: string;
  backend: string;
  ms: number;
  toolMessages: ToolMessage[];
}

export interface BuildResult {
  outcomes: StepOutcome[];
  skipped: BuildPlan['skipped'];
  problems: BuildProblem[];
  ok: boolean;
}
