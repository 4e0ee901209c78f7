/**
 * The tools an `agent` node gives its model: registered tools (in process, MCP or remote
 * worker) looked up by name, their input schema as the call's parameters, and each call run as
 * the tool's `run` with a child context whose `input` is the call's arguments.
 */
import { EngineError, type Tool, type ToolContext, type ToolResolver } from '../engine/index.js';
import { originOf, toJsonSchema } from '../tools/registry.js';
import type { JsonSchemaObject, ModelTool } from './model-call.js';

/** One tool of the agent as the node's config names it. */
export interface AgentToolRef {
  name: string;
  /** The tool's node config (default `{}`), checked by its schema when the graph is saved. */
  config?: Record<string, unknown> | undefined;
  /** What the model is told the tool does (default: the tool's description). */
  description?: string | undefined;
}

/** The JSON Schema of a tool's arguments: what its `input` accepts. */
export function toolParameters(tool: Tool<unknown>): JsonSchemaObject {
  const origin = originOf(tool);
  if (origin?.kind === 'MCP') return origin.inputSchema;
  if (origin?.kind === 'WORKER') return origin.inputSchema() ?? { type: 'object' };
  if (tool.input !== undefined) return toJsonSchema(tool.input);
  return { type: 'object', properties: {} };
}

/** Problems of the refs against the registry (unknown tools, bad configs), with their paths. */
export function agentToolProblems(
  refs: readonly AgentToolRef[],
  tools: ToolResolver,
): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const seen = new Set<string>();
  refs.forEach((ref, i) => {
    if (seen.has(ref.name))
      problems.push({ path: ['tools', i], message: `"${ref.name}" is listed twice` });
    seen.add(ref.name);
    const tool = tools.get(ref.name);
    if (tool === undefined) {
      const why = tools.missingReason?.(ref.name);
      problems.push({
        path: ['tools', i],
        message: `unknown tool "${ref.name}"${why ? ` (${why})` : ''}; name a registered tool (see the tools query)`,
      });
      return;
    }
    const parsed = tool.config.safeParse(ref.config ?? {});
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        problems.push({
          path: ['tools', i, 'config', ...issue.path.map(String)],
          message: issue.message,
        });
  });
  return problems;
}

/** The tools as the model sees them, by name. */
export function modelTools(
  refs: readonly AgentToolRef[],
  tools: ToolResolver,
): Record<string, ModelTool> {
  const out: Record<string, ModelTool> = {};
  for (const ref of refs) {
    const tool = tools.get(ref.name);
    if (tool === undefined) continue;
    out[ref.name] = {
      description: ref.description ?? tool.description,
      inputSchema: toolParameters(tool),
    };
  }
  return out;
}

/** What a tool call gives back to the model: the tool's result, or the reason it failed. */
export type ToolCallResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Runs one tool call: the tool's `run` with a child context (`input`: the arguments, steps and
 * interrupts namespaced under `key`). A failure of the tool is given to the model as an error
 * result; an abort (cancel, timeout) and an interrupt timeout propagate.
 */
export async function runToolCall(
  ctx: ToolContext<unknown>,
  tools: ToolResolver,
  ref: AgentToolRef | undefined,
  args: unknown,
  key: string,
): Promise<ToolCallResult> {
  const tool = ref === undefined ? undefined : tools.get(ref.name);
  if (ref === undefined || tool === undefined)
    return { ok: false, error: 'unknown tool: call one of the tools you were given' };
  const config = tool.config.safeParse(ref.config ?? {});
  if (!config.success)
    return { ok: false, error: `the tool's config is invalid: ${issues(config.error.issues)}` };
  let input = (args ?? {}) as Record<string, unknown>;
  if (tool.input !== undefined) {
    const parsed = tool.input.safeParse(input);
    if (!parsed.success)
      return { ok: false, error: `bad arguments: ${issues(parsed.error.issues)}` };
    input = parsed.data as Record<string, unknown>;
  }
  let interrupts = 0;
  const child: ToolContext<unknown> = {
    state: ctx.state,
    config: config.data,
    input,
    get signal() {
      return ctx.signal;
    },
    attempt: ctx.attempt,
    iteration: ctx.iteration,
    runId: ctx.runId,
    nodeId: ctx.nodeId,
    idempotencyKey: `${ctx.idempotencyKey}:${key}`,
    log: (message, fields, level) => ctx.log(message, fields, level),
    emit: (name, payload) => ctx.emit(name, payload),
    step: (name, fn) => ctx.step(`${key}/${name}`, fn),
    interrupt: (request) =>
      ctx.interrupt({
        ...request,
        key: `${key}:${request.key ?? ++interrupts}`,
        // Asked inside the call's step (or one of the tool's own steps, nested under it).
        step: request.step === undefined ? key : `${key}/${request.step}`,
      }),
    checkBudget: () => ctx.checkBudget(),
    // The agent's thread and memory are its tools' too.
    ...(ctx.thread ? { thread: ctx.thread } : {}),
    ...(ctx.memory ? { memory: ctx.memory } : {}),
  };
  try {
    return { ok: true, value: (await tool.run(child)) ?? null };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof EngineError && err.code === 'INTERRUPT_TIMEOUT') throw err;
    if (err instanceof EngineError && err.code === 'BUDGET_EXCEEDED') throw err;
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

function issues(list: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return list.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
