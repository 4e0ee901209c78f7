/**
 * The `subgraph` tool: a sub-graph node's attempt starts a child run of the named graph (in the
 * parent's tenant, linked by `parentRunId`) and waits for its end. The child is started with an
 * idempotency key derived from the attempt, so a parent resumed after a crash finds the same
 * child instead of starting a second one. Cancelling the parent (or its timeout) cancels the
 * child; a child that fails or is cancelled fails the node with SUBGRAPH_FAILED.
 */
import { z } from 'zod';
import { EngineError, type Tool, type ToolContext } from '../engine/index.js';
import type { GraphStore, RunRecord } from './ports.js';
import { SHUTDOWN_REASON } from './run-pool.js';
import type { RunService } from './run-service-contract.js';
import { SUBGRAPH_TOOL } from './subgraph-nodes.js';

const config = z.strictObject({
  graph: z.string().min(1),
  version: z.number().int().min(1).optional(),
  /** Run the child on the parent run's thread (an agent's handoff). */
  thread: z.boolean().optional(),
});

const POLL_MS = 100;

/** A child run's failure, as the parent node's error. */
export class SubgraphError extends EngineError {
  readonly retryable = false;
}

export function createSubgraphTool(deps: {
  runs: () => RunService;
  graphs: GraphStore;
}): Tool<z.output<typeof config>> {
  return Object.freeze({
    name: SUBGRAPH_TOOL,
    description:
      'Runs a saved graph as a child run (a node with `graph`); its final state is the result',
    config,
    async run(ctx: ToolContext<z.output<typeof config>>) {
      const runs = deps.runs();
      const tenantId = (await runs.tenantOf(ctx.runId)) ?? undefined;
      const graph = tenantId ? await deps.graphs.getByName(tenantId, ctx.config.graph) : null;
      if (!graph)
        throw new SubgraphError(
          'SUBGRAPH_FAILED',
          `No graph named "${ctx.config.graph}" in this run's tenant any more.`,
          ctx.nodeId,
        );
      const threadId = ctx.config.thread ? ((await ctx.thread?.id()) ?? null) : null;
      const child = await runs.start(graph.id, { ...ctx.input }, tenantId, {
        version: ctx.config.version ?? null,
        idempotencyKey: `subgraph:${ctx.idempotencyKey}:${ctx.attempt}`,
        parentRunId: ctx.runId,
        ...(threadId ? { threadId } : {}),
      });
      ctx.emit('CHILD_RUN_STARTED', { runId: child.id, graph: ctx.config.graph });
      const end = await waitForEnd(runs, child, tenantId as string, ctx);
      ctx.emit('CHILD_RUN_FINISHED', { runId: child.id, status: end.status });
      if (end.status === 'SUCCEEDED') return (end.state ?? {}) as Record<string, unknown>;
      throw new SubgraphError(
        'SUBGRAPH_FAILED',
        `Sub-graph "${ctx.config.graph}" (run ${child.id}) ${end.status === 'CANCELLED' ? 'was cancelled' : `failed: ${end.error?.message ?? 'unknown error'}`}`,
        ctx.nodeId,
        { runId: child.id, status: end.status, ...(end.error ? { error: end.error } : {}) },
      );
    },
  });
}

async function waitForEnd(
  runs: RunService,
  child: RunRecord,
  tenantId: string,
  ctx: ToolContext<unknown>,
): Promise<RunRecord> {
  const { signal } = ctx;
  const onAbort = () => {
    // A stopping server hands the parent over: the child goes on, the resumed parent finds it.
    if ((signal.reason as Error | undefined)?.message === SHUTDOWN_REASON) return;
    runs.cancel(child.id, tenantId).catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const now = await runs.get(child.id, tenantId);
      if (now.status === 'SUCCEEDED' || now.status === 'FAILED' || now.status === 'CANCELLED')
        return now;
      // The child runs here: wake at its end; elsewhere (another server): poll.
      await Promise.race([
        runs.isLocal(child.id) ? runs.waitFor(child.id) : Promise.resolve(),
        new Promise((r) => setTimeout(r, POLL_MS)),
      ]);
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
