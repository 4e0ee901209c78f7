/**
 * The `llm` tool: one model call whose answer lands in the state key named by `output`.
 *
 *   { "id": "summarise", "tool": "llm", "retry": { "maxAttempts": 3 },
 *     "config": { "output": "summary", "system": "You are terse.",
 *                 "prompt": "Summarise: {{state.article}}", "temperature": 0.2 } }
 *
 * Streams `llm.delta` events while the model answers and records one `llm.usage` per call
 * (usage.ts). With `schema`, the answer is JSON validated against it and lands as a value.
 */
import { z } from 'zod';
import { RESERVED_STATE_KEYS } from '../engine/index.js';
import { noRedaction, type Redactor } from '../redaction.js';
import { type DefinedTool, defineTool } from '../tools/define-tool.js';
import { createDeltaBatcher } from './delta-batcher.js';
import type { ModelPrice } from './llm-config.js';
import type { ModelCallResult } from './model-call.js';
import { type ModelProviders, unknownProviderIssue } from './providers.js';
import { compileOutputSchema, parseStructuredOutput } from './structured-output.js';
import { renderTemplate, templateProblems } from './template.js';
import { appendTurn, historyConfig, threadHistory, userTurn } from './thread-history.js';
import { LLM_DELTA_EVENT, LLM_USAGE_EVENT, usagePayload } from './usage.js';

export const LLM_TOOL_NAME = 'llm';

const template = z
  .string()
  .superRefine((value, ctx) => {
    for (const message of templateProblems(value)) ctx.addIssue({ code: 'custom', message });
  })
  .describe('Text with {{state.key}} / {{input.name}} placeholders');

const modelRef = z
  .union([
    z.string().min(1).describe('A model name of the default provider'),
    z.strictObject({
      provider: z.string().min(1).optional().describe('A provider configured on the server'),
      name: z.string().min(1).optional().describe("The model name (default: the provider's)"),
    }),
  ])
  .describe("Which model: a name, or { provider, name }; default: the server's default model");

function configSchema(providers: ModelProviders) {
  return z
    .strictObject({
      output: z
        .string()
        .min(1)
        .refine((k) => !RESERVED_STATE_KEYS.has(k), 'is a reserved state key')
        .describe('The state key the answer lands in'),
      model: modelRef.optional(),
      system: template.optional().describe('The system prompt (a template)'),
      prompt: template.optional().describe('The user message (a template), after `messages`'),
      messages: z
        .array(z.strictObject({ role: z.enum(['user', 'assistant']), content: template }))
        .optional()
        .describe('Conversation turns (templates), before `prompt`'),
      temperature: z.number().min(0).max(2).optional(),
      maxTokens: z.number().int().positive().optional().describe('Most output tokens'),
      schema: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('JSON Schema of a structured answer: the result is the parsed, validated JSON'),
      strictSchema: z
        .boolean()
        .optional()
        .describe(
          "Have the provider enforce `schema` (OpenAI strict mode's rules apply); default false",
        ),
      stream: z
        .boolean()
        .optional()
        .describe('Emit llm.delta events while answering (default true)'),
      history: historyConfig,
    })
    .superRefine((config, ctx) => {
      if (config.prompt === undefined && (config.messages ?? []).length === 0)
        ctx.addIssue({
          code: 'custom',
          message: 'set prompt or messages: the model needs a question',
          path: ['prompt'],
        });
      if (config.schema) {
        const compiled = compileOutputSchema(config.schema);
        if (!compiled.ok)
          ctx.addIssue({
            code: 'custom',
            message: `not a usable JSON Schema: ${compiled.message}`,
            path: ['schema'],
          });
      }
      const unknown = unknownProviderIssue(config.model, providers);
      if (unknown) ctx.addIssue(unknown);
    });
}

export type LlmToolConfig = z.output<ReturnType<typeof configSchema>>;

export interface LlmToolOptions {
  providers: ModelProviders;
  /** The server's redactor: provider messages that echo a key lose it. */
  redactor?: Redactor;
  /** Delta batching (defaults: 50 ms, 256 characters). */
  delta?: { intervalMs?: number; maxChars?: number };
  /** Price per model (LLM_PRICES): usage events carry `costUsd`. */
  prices?: Record<string, ModelPrice>;
}

export function createLlmTool(
  options: LlmToolOptions,
): DefinedTool<ReturnType<typeof configSchema>> {
  const { providers } = options;
  const redactor = options.redactor ?? noRedaction;
  return defineTool({
    name: LLM_TOOL_NAME,
    description:
      'Calls a language model with prompt templates over state and inputs; the answer (text, or JSON checked against `schema`) lands in state[output]',
    config: configSchema(providers),
    async run(ctx) {
      const { config } = ctx;
      const model = await providers.resolve(config.model);
      const scope = { state: ctx.state, input: ctx.input };
      const missing = new Set<string>();
      const render = (t: string) => {
        const rendered = renderTemplate(t, scope);
        for (const m of rendered.missing) missing.add(m);
        return rendered.text;
      };
      const system = config.system === undefined ? undefined : render(config.system);
      const own = (config.messages ?? []).map((m) => ({
        role: m.role,
        content: render(m.content),
      }));
      if (config.prompt !== undefined) own.push({ role: 'user', content: render(config.prompt) });
      // The thread's conversation first (runs with a threadId), then the node's own turn.
      const messages = [...(await threadHistory(ctx, config.history)), ...own];
      if (missing.size > 0)
        ctx.log(
          'Prompt placeholders without a value were left empty',
          { missing: [...missing] },
          'warn',
        );
      // One recorded step: an answer that arrived is not asked for again when the node runs
      // again in this activation (after a crash); a bad structured answer is not recorded, so a
      // retry asks again.
      const outcome = await ctx.step<{ value: unknown } | { stopped: true }>('model', async () => {
        if (ctx.checkBudget() === 'stop') return { stopped: true };
        const batcher =
          config.stream === false
            ? undefined
            : createDeltaBatcher((delta) => ctx.emit(LLM_DELTA_EVENT, delta), options.delta);
        // Loaded on first call: the AI SDK stays out of servers that never call a model.
        const { callModel } = await import('./model-call.js');
        let result: ModelCallResult;
        try {
          result = await callModel(
            {
              model,
              system,
              messages,
              temperature: config.temperature,
              maxOutputTokens: config.maxTokens,
              schema: config.schema,
              strictSchema: config.strictSchema,
              signal: ctx.signal,
              onDelta: batcher ? (text) => batcher.push(text) : undefined,
            },
            { redactor },
          );
        } finally {
          batcher?.close();
        }
        ctx.emit(LLM_USAGE_EVENT, usagePayload(result.usage, options.prices));
        for (const warning of result.warnings)
          ctx.log(`Model provider warning: ${warning}`, undefined, 'warn');
        return {
          value: config.schema ? parseStructuredOutput(result.text, config.schema) : result.text,
        };
      });
      if ('stopped' in outcome) {
        ctx.log(
          'The run budget is spent: no model call, nothing lands in the output',
          undefined,
          'warn',
        );
        return {};
      }
      await appendTurn(ctx, config.history, userTurn(own), outcome.value);
      return { [config.output]: outcome.value };
    },
  });
}
