import type { CallToolResult, ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import { EngineError } from '../../engine/index.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { RunService } from '../../runs/run-service.js';

/** Where the run's id goes in a result's `_meta` (cancel or inspect it over GraphQL). */
export const RUN_ID_META = 'agent-execution-framework/runId';

export interface CallContext {
  tenantId: string;
  runs: RunService;
  logger: Logger;
  /** Set when the request asked for progress (`_meta.progressToken`). */
  progressToken?: string | number;
  sendNotification(notification: ServerNotification): Promise<void>;
  /** Aborted when the caller's connection closes: we stop following, the run goes on. */
  signal: AbortSignal;
}

export function errorResult(code: string, message: string, runId?: string): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${code}: ${message}` }],
    structuredContent: { error: { code, message } },
    ...(runId ? { _meta: { [RUN_ID_META]: runId } } : {}),
  };
}

/** AppError and EngineError keep their code and message; anything else is masked and logged. */
function fromError(err: unknown, ctx: CallContext, runId?: string): CallToolResult {
  if (err instanceof AppError || err instanceof EngineError)
    return errorResult(err.code, err.message, runId);
  ctx.logger.error('MCP tool call failed', { err, runId });
  return errorResult('INTERNAL', 'Unexpected error.', runId);
}

/** Starts a run of the graph and follows its events to the end. */
export async function callGraph(
  graphId: string,
  input: Record<string, unknown>,
  ctx: CallContext,
): Promise<CallToolResult> {
  let runId: string;
  try {
    runId = (await ctx.runs.start(graphId, input, ctx.tenantId)).id;
  } catch (err) {
    return fromError(err, ctx);
  }
  let progress = 0;
  try {
    for await (const event of ctx.runs.events(runId, 0, ctx.tenantId)) {
      switch (event.type) {
        case 'NODE_SUCCEEDED':
          progress += 1;
          if (ctx.progressToken !== undefined && !ctx.signal.aborted)
            await ctx
              .sendNotification({
                method: 'notifications/progress',
                params: {
                  progressToken: ctx.progressToken,
                  progress,
                  message: `Node "${event.nodeId}" succeeded (${event.data.durationMs} ms).`,
                },
              })
              .catch(() => {});
          break;
        case 'RUN_SUCCEEDED':
          return {
            content: [{ type: 'text', text: JSON.stringify(event.data.state) }],
            structuredContent: event.data.state,
            _meta: { [RUN_ID_META]: runId },
          };
        case 'RUN_SUSPENDED': {
          // The run waits for a person: say so rather than hold the call open until answered.
          const waiting = { status: 'WAITING', runId, interrupts: event.data.interrupts };
          return {
            content: [
              {
                type: 'text',
                text: `The run waits for an answer to ${event.data.interrupts.join(', ')}: answer with the resumeRun mutation, then read run ${runId}.`,
              },
            ],
            structuredContent: waiting,
            _meta: { [RUN_ID_META]: runId },
          };
        }
        case 'RUN_PAUSED': {
          // Paused by an operator (or at a restart): the call ends, the run waits for unpauseRun.
          const paused = { status: 'PAUSED', runId, reason: event.data.reason };
          return {
            content: [
              {
                type: 'text',
                text: `The run was paused (${event.data.reason}): it goes on after unpauseRun; then read run ${runId}.`,
              },
            ],
            structuredContent: paused,
            _meta: { [RUN_ID_META]: runId },
          };
        }
        case 'RUN_FAILED':
          return errorResult(event.data.error.code, event.data.error.message, runId);
        case 'RUN_CANCELLED':
          return errorResult(
            'RUN_CANCELLED',
            `The run was cancelled${event.data.reason ? `: ${event.data.reason}` : '.'}`,
            runId,
          );
      }
      if (ctx.signal.aborted) break;
    }
  } catch (err) {
    return fromError(err, ctx, runId);
  }
  // Only when the caller went away: nobody reads this, and the run goes on.
  return errorResult('ABORTED', 'The request was closed before the run ended.', runId);
}
