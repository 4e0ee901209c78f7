/**
 * Saved graphs as an agent's tools, and handoffs to other agents (issue 17 §5).
 *
 * - `graphs`: each named graph is a tool of the model (named after the graph); a call runs it
 *   as a child run (the `subgraph` tool: same tenant, linked to the run, found again after a
 *   crash) with the call's arguments as its input, and its final state is the call's result.
 * - `handoffs`: each named graph (an agent of its own) is a `transfer_to_<graph>` tool; a call
 *   hands the conversation over: the graph runs as a child run on the same thread (its llm and
 *   agent nodes see the thread's messages and append their exchange), with this run's state
 *   (and `handoff: { from, reason }`) as its input, and its answer (`output`, default the
 *   agent's own output key) becomes the agent's answer.
 *
 * Both are calls of the agent's loop, so each is a recorded step (`tool:<turn>:<i>`).
 */
import { z } from 'zod';
import type { ToolContext, ToolResolver } from '../engine/index.js';
import { runToolCall, type ToolCallResult } from './agent-tools.js';
import type { ModelTool } from './model-call.js';

/** The registered tool that runs a saved graph as a child run (src/runs/subgraph-tool.ts). */
export const SUBGRAPH_TOOL_NAME = 'subgraph';

const toolName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, '1-64 letters, digits, _ or -')
  .describe('The tool name the model sees');

const graphTarget = {
  graph: z.string().min(1).describe('A saved graph of the tenant'),
  version: z.number().int().min(1).optional().describe('Its version (default: the latest)'),
  name: toolName.optional(),
  description: z.string().optional().describe('What the model is told it does'),
};

export const graphToolsConfig = z
  .array(z.union([z.string().min(1), z.strictObject(graphTarget)]))
  .optional()
  .describe('Saved graphs the model may call as tools: each call is a child run');

export const handoffsConfig = z
  .array(
    z.union([
      z.string().min(1),
      z.strictObject({
        ...graphTarget,
        output: z
          .string()
          .min(1)
          .optional()
          .describe("The state key of the graph's answer (default: this agent's output)"),
      }),
    ]),
  )
  .optional()
  .describe('Agents (saved graphs) the model may hand the conversation to, on the same thread');

export interface GraphToolRef {
  kind: 'graph' | 'handoff';
  graph: string;
  version?: number | undefined;
  /** The tool name the model sees. */
  name: string;
  description: string;
  output?: string | undefined;
}

/** A graph name as a model tool name. */
function toolNameOf(graph: string, prefix = ''): string {
  return `${prefix}${graph.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
}

export function graphToolRefs(
  graphs: z.output<typeof graphToolsConfig>,
  handoffs: z.output<typeof handoffsConfig>,
): GraphToolRef[] {
  const refs: GraphToolRef[] = [];
  for (const g of graphs ?? []) {
    const ref = typeof g === 'string' ? { graph: g } : g;
    refs.push({
      kind: 'graph',
      graph: ref.graph,
      version: ref.version,
      name: ref.name ?? toolNameOf(ref.graph),
      description:
        ref.description ??
        `Runs the saved graph "${ref.graph}" with the arguments as its input; the result is its final state`,
    });
  }
  for (const h of handoffs ?? []) {
    const ref = typeof h === 'string' ? { graph: h } : h;
    refs.push({
      kind: 'handoff',
      graph: ref.graph,
      version: ref.version,
      name: ref.name ?? toolNameOf(ref.graph, 'transfer_to_'),
      description:
        ref.description ??
        `Hands the conversation over to the agent "${ref.graph}", which answers the user instead of you`,
      output: 'output' in ref ? ref.output : undefined,
    });
  }
  return refs;
}

/** Tool names used twice (by two graph refs, or by a graph ref and a registered tool). */
export function graphToolProblems(
  refs: readonly GraphToolRef[],
  toolNames: readonly string[],
): Array<{ path: (string | number)[]; message: string }> {
  const taken = new Set(toolNames);
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  let graphs = 0;
  let handoffs = 0;
  for (const ref of refs) {
    const path = ref.kind === 'graph' ? ['graphs', graphs++] : ['handoffs', handoffs++];
    if (taken.has(ref.name))
      problems.push({
        path,
        message: `the tool name "${ref.name}" is used twice; give this one a "name"`,
      });
    taken.add(ref.name);
  }
  return problems;
}

export function graphModelTools(refs: readonly GraphToolRef[]): Record<string, ModelTool> {
  const out: Record<string, ModelTool> = {};
  for (const ref of refs)
    out[ref.name] = {
      description: ref.description,
      inputSchema:
        ref.kind === 'graph'
          ? { type: 'object', description: "The graph's input state", additionalProperties: true }
          : {
              type: 'object',
              properties: { reason: { type: 'string', description: 'Why you hand over' } },
            },
    };
  return out;
}

/** A graph tool or handoff call, run as the `subgraph` tool (a child run). */
export function callGraphTool(
  ctx: ToolContext<unknown>,
  tools: ToolResolver,
  ref: GraphToolRef,
  args: unknown,
  key: string,
): Promise<ToolCallResult> {
  const config = {
    graph: ref.graph,
    ...(ref.version === undefined ? {} : { version: ref.version }),
    ...(ref.kind === 'handoff' ? { thread: true } : {}),
  };
  const input =
    ref.kind === 'graph'
      ? args
      : {
          ...ctx.state,
          handoff: {
            from: ctx.nodeId,
            reason: (args as { reason?: unknown } | null)?.reason ?? null,
          },
        };
  return runToolCall(ctx, tools, { name: SUBGRAPH_TOOL_NAME, config }, input, key);
}

/** The answer of a handoff's child run: its final state's `output` key. */
export function handoffAnswer(ref: GraphToolRef, finalState: unknown, output: string): unknown {
  const key = ref.output ?? output;
  return finalState !== null && typeof finalState === 'object'
    ? ((finalState as Record<string, unknown>)[key] ?? null)
    : null;
}
