/** What registerWorker accepts, checked with every problem listed (BAD_USER_INPUT). */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { TOOL_NAME_PATTERN } from '../engine/graph/schema.js';
import { AppError } from '../errors.js';

export interface RegisterWorkerInput {
  id?: string | null;
  name: string;
  slots: number;
  tools: Array<{
    name: string;
    description?: string | null;
    configSchema?: unknown;
    inputSchema?: unknown;
  }>;
}

const jsonSchema = z
  .record(z.string(), z.unknown())
  .refine((s) => JSON.stringify(s).length <= 65_536, 'a JSON Schema of at most 64 KB');

const registration = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits, _ . : - (1-128)')
    .nullish(),
  name: z.string().min(1).max(200),
  slots: z.number().int().min(1).max(10_000),
  tools: z
    .array(
      z.object({
        name: z
          .string()
          .regex(
            TOOL_NAME_PATTERN,
            'start with a letter or _ and use letters, digits, _ or - (max 64)',
          ),
        description: z.string().max(2_000).nullish(),
        configSchema: jsonSchema.nullish(),
        inputSchema: jsonSchema.nullish(),
      }),
    )
    .min(1)
    .max(500)
    .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, 'tool names must be unique'),
});

export interface Registration {
  id: string;
  name: string;
  slots: number;
  tools: Array<{
    name: string;
    description: string;
    configSchema: Record<string, unknown>;
    inputSchema: Record<string, unknown> | null;
  }>;
}

export function validateRegistration(input: RegisterWorkerInput): Registration {
  const parsed = registration.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.join('.'),
      message: i.message,
    }));
    throw new AppError(
      'BAD_USER_INPUT',
      `registerWorker: ${issues.map((i) => `${i.path || 'input'}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  const r = parsed.data;
  return {
    id: r.id ?? `w_${randomUUID()}`,
    name: r.name,
    slots: r.slots,
    tools: r.tools.map((t) => ({
      name: t.name,
      description: t.description ?? `Tool ${t.name}, served by remote workers`,
      // No declared config: none is accepted (an empty object).
      configSchema: t.configSchema ?? { type: 'object', additionalProperties: false },
      inputSchema: t.inputSchema ?? null,
    })),
  };
}
