// Small timing helpers for benchmarks (never used by tests).
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
