/** Evals as the eval service stores them (persistence/prisma-eval-store.ts implements it). */

export interface EvalCase {
  input: Record<string, unknown>;
  expected?: unknown;
}

export interface EvalSetRecord {
  id: string;
  tenantId: string;
  name: string;
  graphId: string;
  scorerGraph: string;
  cases: EvalCase[];
  createdAt: Date;
}

export type EvalStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

/** One case of an eval run: the graph's run, its status, and the scorer's verdict. */
export interface EvalResult {
  case: number;
  runId: string;
  status: string;
  scorerRunId?: string;
  /** 0..1; 0 when the graph's run did not succeed. */
  score: number;
  reason?: string;
}

export interface EvalRunRecord {
  id: string;
  tenantId: string;
  evalSetId: string;
  graphVersion: number;
  status: EvalStatus;
  results: EvalResult[] | null;
  meanScore: number | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface EvalStore {
  /** False when the name is taken in the tenant. */
  createSet(set: Omit<EvalSetRecord, 'createdAt'>): Promise<boolean>;
  getSet(id: string): Promise<EvalSetRecord | null>;
  /** A graph's eval sets, oldest first (at most 100). */
  setsOf(graphId: string): Promise<EvalSetRecord[]>;
  createRun(
    run: Omit<EvalRunRecord, 'createdAt' | 'finishedAt' | 'results' | 'meanScore'>,
  ): Promise<void>;
  getRun(id: string): Promise<EvalRunRecord | null>;
  /** An eval set's runs, newest first. */
  runsOf(evalSetId: string, take: number): Promise<EvalRunRecord[]>;
  /** Eval runs still RUNNING (resumed at start). */
  running(): Promise<EvalRunRecord[]>;
  finish(
    id: string,
    status: EvalStatus,
    results: EvalResult[],
    meanScore: number | null,
  ): Promise<void>;
}
