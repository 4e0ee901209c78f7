/** Shared by the step and interrupt tests: a graph of custom tools, executed and resumed. */

import { createMemorySink, type RunEvent } from '../../../src/engine/events.js';
import { compileGraphOrThrow } from '../../../src/engine/graph/compile.js';
import type { CompiledGraph } from '../../../src/engine/graph/compiled.js';
import type { GraphDef } from '../../../src/engine/graph.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import type { AnswerOutcome, InterruptAnswer, RunInbox } from '../../../src/engine/live/inbox.js';
import type { Tool, ToolContext } from '../../../src/engine/tool.js';

export const anyConfig = { safeParse: (v: unknown) => ({ success: true as const, data: v }) };

export function tool(name: string, run: (ctx: ToolContext<unknown>) => unknown): Tool<unknown> {
  return { name, description: name, config: anyConfig, run: run as Tool<unknown>['run'] };
}

export function compile(def: GraphDef, tools: Tool<unknown>[]): CompiledGraph {
  const byName = new Map(tools.map((t) => [t.name, t]));
  return compileGraphOrThrow(def, { get: (n) => byName.get(n) });
}

/** A test inbox: answers queued with `answer` reach the run now, or when it next executes. */
export function createTestInbox() {
  let queue: InterruptAnswer[] = [];
  let wake: (() => void) | undefined;
  const inbox: RunInbox & {
    answer(interruptId: string, value: unknown): Promise<AnswerOutcome | 'CLOSED'>;
  } = {
    take() {
      const taken = queue;
      queue = [];
      return taken;
    },
    open(w) {
      wake = w;
    },
    close() {
      wake = undefined;
      for (const a of queue.splice(0)) a.settle('UNKNOWN');
    },
    answer(interruptId, value) {
      return new Promise((resolve) => {
        queue.push({ interruptId, value, settle: resolve });
        wake?.();
      });
    },
  };
  return inbox;
}

/** Executes (or resumes from `history`) and returns the new events and the result. */
export async function execute(
  graph: CompiledGraph,
  history: RunEvent[] = [],
  extra: { inbox?: RunInbox; now?: () => number; input?: Record<string, unknown> } = {},
) {
  const sink = createMemorySink();
  const result = await executeRun({ runId: 'run-1', graph, sink, history, ...extra });
  return { result, events: sink.events, log: [...history, ...sink.events] };
}

export const types = (events: RunEvent[]) => events.map((e) => e.type);

/** Waits (a turn of the event loop at a time) until `check` holds. */
export async function until(check: () => boolean, turns = 2_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('until: the condition never held');
}
