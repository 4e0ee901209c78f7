import type { WorkloadResult } from './result.js';

/** What run.ts decides once (from the environment) and hands every workload. */
export interface Settings {
  /** BENCH_QUICK=1: small sizes and fewer repetitions, a smoke test of the harness. */
  quick: boolean;
  /** Measured repetitions per side, after one warm-up. */
  reps: number;
  /** PostgreSQL server to create throwaway databases on, and why it cannot be used (if so). */
  postgres: { adminUrl: string; unavailable: string | null };
  /** Progress lines (stderr), so a long run shows where it is. */
  log(message: string): void;
}

export interface Workload {
  name: string;
  run(settings: Settings): Promise<Omit<WorkloadResult, 'name' | 'seconds'>>;
}

/** Picks the quick or the full size of a parameter. */
export const size = <T>(s: Settings, full: T, quick: T): T => (s.quick ? quick : full);
