/**
 * `human_input`: asks a person and puts the answer in state[output]. It is `ctx.interrupt`
 * with config: the run waits (WAITING, out of memory) until `resumeRun` answers with a value
 * matching `schema`; after `timeoutMs` it continues with `default`, or fails without one.
 *
 *   { "id": "approve", "tool": "human_input", "config": { "output": "approval",
 *       "prompt": "Send this reply? {{state.draft}}",
 *       "schema": { "type": "object", "properties": { "ok": { "type": "boolean" } },
 *                   "required": ["ok"] } } }
 *
 * Called by an `agent`, the model's `prompt` argument (when given) is the question asked.
 */
import { z } from 'zod';
import { RESERVED_STATE_KEYS } from '../../engine/index.js';
import { compileOutputSchema } from '../../llm/structured-output.js';
import { renderTemplate, templateProblems } from '../../llm/template.js';
import { defineTool } from '../define-tool.js';

export const HUMAN_INPUT_TOOL_NAME = 'human_input';

/** The answer's schema when the node gives none: `{ "answer": "<text>" }`. */
export const DEFAULT_ANSWER_SCHEMA = Object.freeze({
  type: 'object',
  properties: { answer: { type: 'string' } },
  required: ['answer'],
});

export const humanInputTool = defineTool({
  name: HUMAN_INPUT_TOOL_NAME,
  description:
    'Asks a person (the run waits, out of memory, until resumeRun answers); the answer, checked against `schema`, lands in state[output]',
  config: z
    .strictObject({
      output: z
        .string()
        .min(1)
        .refine((k) => !RESERVED_STATE_KEYS.has(k), 'is a reserved state key')
        .describe('The state key the answer lands in'),
      prompt: z
        .string()
        .superRefine((value, ctx) => {
          for (const message of templateProblems(value)) ctx.addIssue({ code: 'custom', message });
        })
        .default('Your input is needed')
        .describe('What the person is asked (a template over state and inputs)'),
      schema: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('JSON Schema of the answer; default { answer: string }'),
      timeoutMs: z.number().int().positive().optional().describe('Wait at most this long'),
      default: z.unknown().optional().describe('The answer a timeout continues with'),
    })
    .superRefine((config, ctx) => {
      if (config.schema === undefined) return;
      const compiled = compileOutputSchema(config.schema);
      if (!compiled.ok) {
        ctx.addIssue({
          code: 'custom',
          message: `not a usable JSON Schema: ${compiled.message}`,
          path: ['schema'],
        });
        return;
      }
      if (config.default !== undefined && !compiled.validate(config.default))
        ctx.addIssue({
          code: 'custom',
          message: 'does not match the schema',
          path: ['default'],
        });
    }),
  input: z
    .looseObject({ prompt: z.string().optional().describe('The question to ask') })
    .describe('Optional: the question (overrides the configured prompt)'),
  async run(ctx) {
    const { config } = ctx;
    const asked = typeof ctx.input.prompt === 'string' ? ctx.input.prompt : undefined;
    const prompt =
      asked ?? renderTemplate(config.prompt, { state: ctx.state, input: ctx.input }).text;
    const answer = await ctx.interrupt({
      prompt,
      schema: config.schema ?? { ...DEFAULT_ANSWER_SCHEMA },
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
      ...(config.default === undefined ? {} : { default: config.default }),
    });
    return { [config.output]: answer };
  },
});
