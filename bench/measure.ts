// Small timing helpers for benchmarks (never used by tests).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Timing {
  runs: number;
  p50_ms: number;
  p90_ms: number;
  min_ms: number;
}

export async function time(runs: number, fn: () => unknown | Promise<unknown>, warmup = Math.min(5, runs)): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]);
  return { runs, p50_ms: at(0.5), p90_ms: at(0.9), min_ms: round(samples[0]) };
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export interface ProcessRuns {
  runs: number;
  /** Medians over the runs: wall time, CPU time (user + system, the process and the children it waited for), peak RSS. */
  wall_ms: number;
  cpu_ms: number;
  peak_rss_mib: number;
  wall_runs_ms: number[];
  exit: number | null;
  /** The last run's output. */
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * A whole process, `runs` times after one warm-up (file cache): wall time, CPU time and peak
 * RSS from GNU time (Debian package `time`). On a busy machine the wall time says little;
 * the CPU time is the work done.
 */
export function measureProcess(cmd: string, args: string[], options: { runs?: number; input?: string; cwd?: string; before?: () => void } = {}): ProcessRuns {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: install the Debian package time`);
  const n = options.runs ?? 3;
  const wall: number[] = [];
  const cpu: number[] = [];
  const rss: number[] = [];
  let last: SpawnSyncReturns<string> | undefined;
  for (let i = 0; i <= n; i++) {
    options.before?.();
    const t0 = performance.now();
    const r = spawnSync(GNU_TIME, ['-f', '@@time %U %S %M', cmd, ...args], { cwd: options.cwd, input: options.input, encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = performance.now() - t0;
    if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
    last = r;
    if (i === 0) continue;
    const m = /@@time ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
    if (!m) throw new Error(`${GNU_TIME} printed no figures for ${cmd}: ${r.stderr.slice(-300)}`);
    wall.push(ms);
    cpu.push((Number(m[1]) + Number(m[2])) * 1000);
    rss.push(Number(m[3]) / 1024);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return {
    runs: n,
    wall_ms: Math.round(median(wall)),
    cpu_ms: Math.round(median(cpu)),
    peak_rss_mib: Math.round(median(rss)),
    wall_runs_ms: wall.map(Math.round),
    exit: last!.status,
    stdout: last!.stdout,
    stderr: last!.stderr.replace(/@@time [^\n]*\s*$/, ''),
  };
}
