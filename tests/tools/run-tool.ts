import type { LogLevel } from '../../src/engine/events.js';
import type { Patch, State } from '../../src/engine/graph.js';
import type { Tool } from '../../src/engine/tool.js';

export interface ToolRunRecord {
  patch: Patch | undefined;
  logs: Array<{ message: string; fields?: unknown; level?: LogLevel }>;
  events: Array<{ name: string; payload?: unknown }>;
}

export interface RunToolOptions {
  config?: unknown;
  attempt?: number;
  signal?: AbortSignal;
  idempotencyKey?: string;
}

/** Runs a tool the way the executor does: config parsed by the tool's schema, then `run`. */
export async function runTool(
  tool: Tool<unknown>,
  state: State,
  options: RunToolOptions = {},
): Promise<ToolRunRecord> {
  const parsed = tool.config.safeParse(options.config ?? {});
  if (!parsed.success) {
    throw new Error(`bad config: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const logs: ToolRunRecord['logs'] = [];
  const events: ToolRunRecord['events'] = [];
  const patch = await tool.run({
    state,
    config: parsed.data,
    input: {},
    signal: options.signal ?? new AbortController().signal,
    attempt: options.attempt ?? 1,
    iteration: 1,
    runId: 'run-1',
    nodeId: 'node-1',
    idempotencyKey: options.idempotencyKey ?? 'run-1:node-1:1',
    log: (message, fields, level) => void logs.push({ message, fields, level }),
    emit: (name, payload) => void events.push({ name, payload }),
    step: async (_name, fn) => fn(),
    interrupt: () => Promise.reject(new Error('no interrupts in runTool')),
    checkBudget: () => 'ok',
  });
  return { patch: patch ?? undefined, logs, events };
}
