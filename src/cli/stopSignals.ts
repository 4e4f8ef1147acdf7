// SIGINT, SIGTERM and SIGHUP during a long command (build, deploy) abort its AbortSignal rather
// than kill the process at once: the core stops between steps, kills the tool it runs and
// removes what it was writing; the command then says so in one line and exits 128+N.
import { constants } from 'node:os';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface StopSignals {
  readonly signal: AbortSignal;
  /** The first stop signal received, if any. */
  stoppedBy(): NodeJS.Signals | undefined;
  /** 128 + the signal's number (130 for SIGINT). */
  exitCode(stoppedBy: NodeJS.Signals): number;
  /** Gives the signals back to their default action. */
  dispose(): void;
}

export function listenForStopSignals(): StopSignals {
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    stoppedBy ??= s;
    controller.abort();
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return {
    signal: controller.signal,
    stoppedBy: () => stoppedBy,
    exitCode: (s) => 128 + constants.signals[s],
    dispose: () => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    },
  };
}
