/**
 * The `agent` tool: a model with tools, looping model call -> tool calls (concurrently when the
 * model asks for several) -> model call until the model answers or `maxTurns` is reached. The
 * answer (text) lands in state[output].
 *
 *   { "id": "support", "tool": "agent", "config": { "output": "reply", "maxTurns": 8,
 *       "system": "You answer support tickets.", "prompt": "Ticket: {{state.ticket}}",
 *       "tools": ["search_docs", { "name": "lookup_customer", "config": { "table": "c" } }] } }
 *
 * Every model call and every tool call is a `ctx.step`: a node run again (crash, answered
 * interrupt, cancel-and-resume, retry) replays the completed ones from the log and makes only
 * the calls that had not completed. Tools may ask a person (`ctx.interrupt`, `human_input`).
 */
import type { ModelMessage } from 'ai';
import { z } from 'zod';
import { EngineError, RESERVED_STATE_KEYS, type ToolResolver } from '../engine/index.js';
import { noRedaction, type Redactor } from '../redaction.js';
import { type DefinedTool, defineTool } from '../tools/define-tool.js';
import {
  callGraphTool,
  graphModelTools,
  graphToolProblems,
  graphToolRefs,
  graphToolsConfig,
  handoffAnswer,
  handoffsConfig,
} from './agent-graphs.js';
import {
  type AgentToolRef,
  agentToolProblems,
  modelTools,
  runToolCall,
  type ToolCallResult,
} from './agent-tools.js';
import { createDeltaBatcher } from './delta-batcher.js';
import type { ModelPrice } from './llm-config.js';
import type { ModelCallResult, ModelToolCall } from './model-call.js';
import { type ModelProviders, unknownProviderIssue } from './providers.js';
import { renderTemplate, templateProblems } from './template.js';
import { appendTurn, historyConfig, threadHistory, userTurn } from './thread-history.js';
import { LLM_DELTA_EVENT, LLM_USAGE_EVENT, usagePayload } from './usage.js';

export const AGENT_TOOL_NAME = 'agent';
export const DEFAULT_MAX_TURNS = 10;

const template = z
  .string()
  .superRefine((value, ctx) => {
    for (const message of templateProblems(value)) ctx.addIssue({ code: 'custom', message });
  })
  .describe('Text with {{state.key}} / {{input.name}} placeholders');

const toolRef = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1),
    config: z.record(z.string(), z.unknown()).optional(),
    description: z.string().optional(),
  }),
]);

function configSchema(providers: ModelProviders, tools: ToolResolver) {
  return z
    .strictObject({
      output: z
        .string()
        .min(1)
        .refine((k) => !RESERVED_STATE_KEYS.has(k), 'is a reserved state key')
        .describe("The state key the agent's final answer lands in"),
      model: z
        .union([
          z.string().min(1),
          z.strictObject({
            provider: z.string().min(1).optional(),
            name: z.string().min(1).optional(),
          }),
        ])
        .optional(),
      system: template.optional(),
      prompt: template.optional().describe('The user message (a template), after `messages`'),
      messages: z
        .array(z.strictObject({ role: z.enum(['user', 'assistant']), content: template }))
        .optional(),
      tools: z
        .array(toolRef)
        .default([])
        .describe('Registered tools the model may call: names, or { name, config, description }'),
      graphs: graphToolsConfig,
      handoffs: handoffsConfig,
      maxTurns: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(DEFAULT_MAX_TURNS)
        .describe('Most model calls; past it the node fails with AGENT_MAX_TURNS'),
      temperature: z.number().min(0).max(2).optional(),
      maxTokens: z.number().int().positive().optional(),
      stream: z.boolean().optional().describe('Emit llm.delta events (default true)'),
      history: historyConfig,
    })
    .superRefine((config, ctx) => {
      if (config.prompt === undefined && (config.messages ?? []).length === 0)
        ctx.addIssue({ code: 'custom', message: 'set prompt or messages', path: ['prompt'] });
      const refs = config.tools.map(normalise);
      for (const p of agentToolProblems(refs, tools))
        ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
      const graphRefs = graphToolRefs(config.graphs, config.handoffs);
      for (const p of graphToolProblems(
        graphRefs,
        refs.map((r) => r.name),
      ))
        ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
      const unknown = unknownProviderIssue(config.model, providers);
      if (unknown) ctx.addIssue(unknown);
    });
}

function normalise(ref: z.output<typeof toolRef>): AgentToolRef {
  return typeof ref === 'string' ? { name: ref } : ref;
}

export interface AgentToolOptions {
  providers: ModelProviders;
  /** Where the agent's tools are looked up (the server's registry, read when a node runs). */
  tools: ToolResolver;
  redactor?: Redactor;
  delta?: { intervalMs?: number; maxChars?: number };
  /** Price per model (LLM_PRICES): usage events carry `costUsd`. */
  prices?: Record<string, ModelPrice>;
}

/** One model call as recorded by its step (JSON), or a stop because a budget is spent. */
type Turn =
  | {
      text: string;
      toolCalls: ModelToolCall[];
      responseMessages: ModelMessage[];
      finishReason: string;
    }
  | { stopped: 'budget' };

export function createAgentTool(
  options: AgentToolOptions,
): DefinedTool<ReturnType<typeof configSchema>> {
  const { providers, tools } = options;
  const redactor = options.redactor ?? noRedaction;
  return defineTool({
    name: AGENT_TOOL_NAME,
    description:
      'A model that calls tools in a loop until it answers (up to maxTurns); every model and tool call is recorded, so a resumed node never repeats a completed call. The answer lands in state[output]',
    config: configSchema(providers, tools),
    async run(ctx) {
      const { config } = ctx;
      const refs = config.tools.map(normalise);
      const byName = new Map(refs.map((r) => [r.name, r]));
      const scope = { state: ctx.state, input: ctx.input };
      const render = (t: string) => renderTemplate(t, scope).text;
      const system = config.system === undefined ? undefined : render(config.system);
      const own: ModelMessage[] = (config.messages ?? []).map((m) => ({
        role: m.role,
        content: render(m.content),
      }));
      if (config.prompt !== undefined) own.push({ role: 'user', content: render(config.prompt) });
      // The thread's conversation first (runs with a threadId), then the node's own turn.
      const messages: ModelMessage[] = [...(await threadHistory(ctx, config.history)), ...own];
      const graphRefs = new Map(
        graphToolRefs(config.graphs, config.handoffs).map((r) => [r.name, r]),
      );
      const declared = { ...modelTools(refs, tools), ...graphModelTools([...graphRefs.values()]) };
      let lastText = '';
      for (let turn = 1; turn <= config.maxTurns; turn++) {
        const result = await ctx.step<Turn>(`model:${turn}`, async () => {
          if (ctx.checkBudget() === 'stop') return { stopped: 'budget' };
          const model = await providers.resolve(config.model);
          const { callModel } = await import('./model-call.js');
          const batcher =
            config.stream === false
              ? undefined
              : createDeltaBatcher((d) => ctx.emit(LLM_DELTA_EVENT, d), options.delta);
          let r: ModelCallResult;
          try {
            r = await callModel(
              {
                model,
                system,
                messages,
                tools: Object.keys(declared).length > 0 ? declared : undefined,
                temperature: config.temperature,
                maxOutputTokens: config.maxTokens,
                signal: ctx.signal,
                onDelta: batcher ? (text) => batcher.push(text) : undefined,
              },
              { redactor },
            );
          } finally {
            batcher?.close();
          }
          ctx.emit(LLM_USAGE_EVENT, { ...usagePayload(r.usage, options.prices), turn });
          const { text, toolCalls, responseMessages, finishReason } = r;
          return { text, toolCalls, responseMessages, finishReason };
        });
        if ('stopped' in result) {
          ctx.log('The run budget is spent: the agent stops with what it has', { turn }, 'warn');
          return { [config.output]: lastText };
        }
        messages.push(...result.responseMessages);
        lastText = result.text;
        if (result.toolCalls.length === 0) {
          await appendTurn(ctx, config.history, userTurn(own), result.text);
          return { [config.output]: result.text };
        }
        const outcomes = await Promise.all(
          result.toolCalls.map((call, i) => {
            const key = `tool:${turn}:${i + 1}`;
            const graph = graphRefs.get(call.name);
            return ctx.step<ToolCallResult>(key, () =>
              graph
                ? callGraphTool(ctx, tools, graph, call.input, key)
                : runToolCall(ctx, tools, byName.get(call.name), call.input, key),
            );
          }),
        );
        // A handoff that went through ends the loop: the other agent answered (on the thread).
        const handedOff = result.toolCalls.findIndex(
          (call, i) => graphRefs.get(call.name)?.kind === 'handoff' && outcomes[i]?.ok,
        );
        if (handedOff >= 0) {
          const call = result.toolCalls[handedOff]!;
          const outcome = outcomes[handedOff] as { ok: true; value: unknown };
          const ref = graphRefs.get(call.name)!;
          ctx.log('The agent handed the conversation over', { graph: ref.graph, turn });
          return { [config.output]: handoffAnswer(ref, outcome.value, config.output) };
        }
        messages.push({
          role: 'tool',
          content: result.toolCalls.map((call, i) => {
            const outcome = outcomes[i]!;
            return {
              type: 'tool-result' as const,
              toolCallId: call.id,
              toolName: call.name,
              output: outcome.ok
                ? { type: 'json' as const, value: (outcome.value ?? null) as never }
                : { type: 'error-text' as const, value: outcome.error },
            };
          }),
        });
      }
      throw new EngineError(
        'AGENT_MAX_TURNS',
        `The agent did not answer within maxTurns (${config.maxTurns}) model calls; raise maxTurns or narrow the task`,
        ctx.nodeId,
        { maxTurns: config.maxTurns },
      );
    },
  });
}
