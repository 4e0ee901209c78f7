/**
 * Evals: a named set of cases (an input, and what is expected) run on a version of a graph, each
 * result scored by a scorer graph (saved like any graph: a function tool, or an `llm` node as a
 * judge) that gets `{ input, expected, output }` and leaves a number from 0 to 1 in
 * `state.score` (and optionally `state.reason`). Every case and every scoring is an ordinary run,
 * started with an idempotency key of the eval run and the case, so an eval resumed after a
 * restart finds the runs it already started instead of starting them again.
 */
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import type { Logger } from '../logger.js';
import { type GraphStore, isActive, type RunRecord } from '../runs/ports.js';
import type { RunService } from '../runs/run-service-contract.js';
import type { EvalCase, EvalResult, EvalRunRecord, EvalSetRecord, EvalStore } from './ports.js';

export const MAX_EVAL_CASES = 1_000;
/** Cases of one eval run executing at once. */
const CONCURRENCY = 4;

export interface EvalSetInput {
  name: string;
  graphId: string;
  scorerGraph: string;
  cases: unknown;
}

export interface EvalServiceDeps {
  store: EvalStore;
  runs: RunService;
  graphs: Pick<GraphStore, 'get' | 'getByName'>;
  logger: Logger;
  /** How often a case's run is looked at while it runs elsewhere. */
  pollMs?: number;
}

function casesOf(value: unknown): EvalCase[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_EVAL_CASES)
    throw new AppError(
      'BAD_USER_INPUT',
      `cases must be a list of 1 to ${MAX_EVAL_CASES} { input, expected } objects.`,
    );
  return value.map((c, i) => {
    const input = (c as { input?: unknown } | null)?.input;
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new AppError('BAD_USER_INPUT', `cases[${i}].input must be a JSON object.`, {
        case: i,
      });
    return { input: input as Record<string, unknown>, expected: (c as EvalCase).expected };
  });
}

export function createEvalService(deps: EvalServiceDeps) {
  const { store, runs, graphs, logger } = deps;
  const pollMs = deps.pollMs ?? 100;

  async function ended(run: RunRecord, tenantId: string): Promise<RunRecord> {
    await runs.waitFor(run.id);
    let current = await runs.get(run.id, tenantId);
    while (isActive(current.status) && current.status !== 'WAITING') {
      await new Promise((r) => setTimeout(r, pollMs));
      current = await runs.get(run.id, tenantId);
    }
    return current;
  }

  async function scoreCase(
    set: EvalSetRecord,
    evalRun: EvalRunRecord,
    scorerId: string,
    index: number,
  ): Promise<EvalResult> {
    const c = set.cases[index]!;
    const tenant = set.tenantId;
    const key = `eval:${evalRun.id}:${index}`;
    const options = { version: evalRun.graphVersion, idempotencyKey: key };
    const run = await ended(await runs.start(set.graphId, c.input, tenant, options), tenant);
    const base = { case: index, runId: run.id, status: run.status };
    if (run.status !== 'SUCCEEDED')
      return { ...base, score: 0, reason: `the run is ${run.status}` };
    const verdict = await ended(
      await runs.start(
        scorerId,
        { input: c.input, expected: c.expected ?? null, output: run.state },
        tenant,
        { idempotencyKey: `${key}:score` },
      ),
      tenant,
    );
    const state = (verdict.state ?? {}) as { score?: unknown; reason?: unknown };
    const score = typeof state.score === 'number' ? state.score : Number.NaN;
    if (verdict.status !== 'SUCCEEDED' || !(score >= 0 && score <= 1))
      return {
        ...base,
        scorerRunId: verdict.id,
        score: 0,
        reason: `the scorer run is ${verdict.status} without a score from 0 to 1`,
      };
    return {
      ...base,
      scorerRunId: verdict.id,
      score,
      ...(typeof state.reason === 'string' ? { reason: state.reason } : {}),
    };
  }

  /** Runs every case (CONCURRENCY at once), then stores the results and their mean. */
  async function execute(evalRun: EvalRunRecord): Promise<void> {
    try {
      const set = await store.getSet(evalRun.evalSetId);
      if (!set) throw notFound('Eval set', evalRun.evalSetId);
      const scorer = await graphs.getByName(set.tenantId, set.scorerGraph);
      if (!scorer) throw notFound('Graph', set.scorerGraph);
      const results: EvalResult[] = new Array(set.cases.length);
      let next = 0;
      const worker = async () => {
        while (next < set.cases.length) {
          const i = next++;
          results[i] = await scoreCase(set, evalRun, scorer.id, i);
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, set.cases.length) }, worker));
      const mean = results.reduce((sum, r) => sum + r.score, 0) / results.length;
      await store.finish(evalRun.id, 'SUCCEEDED', results, mean);
    } catch (err) {
      logger.warn('eval run failed', { evalRunId: evalRun.id, err });
      await store.finish(evalRun.id, 'FAILED', [], null).catch(() => undefined);
    }
  }

  return {
    async createSet(input: EvalSetInput, tenantId: string): Promise<EvalSetRecord> {
      const graph = await graphs.get(input.graphId);
      if (!graph || graph.tenantId !== tenantId) throw notFound('Graph', input.graphId);
      if (!(await graphs.getByName(tenantId, input.scorerGraph)))
        throw notFound('Graph', input.scorerGraph);
      const set = {
        id: uuidv7(),
        tenantId,
        name: input.name,
        graphId: graph.id,
        scorerGraph: input.scorerGraph,
        cases: casesOf(input.cases),
      };
      if (!(await store.createSet(set)))
        throw new AppError('EVAL_NAME_TAKEN', `An eval set named "${input.name}" already exists.`, {
          name: input.name,
        });
      return { ...set, createdAt: new Date() };
    },

    async getSet(id: string, tenantId: string): Promise<EvalSetRecord> {
      const set = await store.getSet(id);
      if (!set || set.tenantId !== tenantId) throw notFound('Eval set', id);
      return set;
    },

    /** The graph's eval sets (NOT_FOUND for a graph of another tenant). */
    async setsOf(graphId: string, tenantId: string): Promise<EvalSetRecord[]> {
      const graph = await graphs.get(graphId);
      if (!graph || graph.tenantId !== tenantId) throw notFound('Graph', graphId);
      return store.setsOf(graph.id);
    },

    /** Starts an eval of the graph's version (default: its latest); resolves once it is stored. */
    async start(evalSetId: string, version: number | null, tenantId: string) {
      const set = await this.getSet(evalSetId, tenantId);
      const graph = await graphs.get(set.graphId);
      if (!graph || graph.tenantId !== tenantId) throw notFound('Graph', set.graphId);
      const graphVersion = version ?? graph.latestVersion;
      if (graphVersion < 1 || graphVersion > graph.latestVersion)
        throw notFound('Graph version', `${graph.id}@${graphVersion}`);
      const run = { id: uuidv7(), tenantId, evalSetId, graphVersion, status: 'RUNNING' as const };
      await store.createRun(run);
      const record = (await store.getRun(run.id))!;
      void execute(record);
      return record;
    },

    getRun: async (id: string, tenantId: string) => {
      const run = await store.getRun(id);
      if (!run || run.tenantId !== tenantId) throw notFound('Eval run', id);
      return run;
    },
    runsOf: (evalSetId: string) => store.runsOf(evalSetId, 100),

    /** Eval runs a stopped server left RUNNING: executed again (their started runs are found). */
    async resumeRunning(): Promise<number> {
      const list = await store.running();
      for (const run of list) void execute(run);
      return list.length;
    },
  };
}

export type EvalService = ReturnType<typeof createEvalService>;

/** Case by case, how two eval runs' scores differ (b minus a). */
export function compareEvalRuns(a: EvalRunRecord, b: EvalRunRecord) {
  const before = new Map((a.results ?? []).map((r) => [r.case, r.score]));
  return (b.results ?? []).map((r) => ({
    case: r.case,
    before: before.get(r.case) ?? null,
    after: r.score,
    change: r.score - (before.get(r.case) ?? 0),
  }));
}
