/**
 * The shape of a GraphDef, checked with zod at the edge (saving a graph). Semantic checks
 * (unknown tools, cycles, conditions...) live in validate.ts.
 */
import { z } from 'zod';
import { MAX_CONDITION_LENGTH } from './condition.js';

export const MAX_NODES = 500;
export const MAX_EDGES = 2_000;
export const MAX_STATE_KEYS = 500;
export const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

const id = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .regex(
      ID_PATTERN,
      `${what} must start with a letter or _ and contain only letters, digits, _ or - (max 64)`,
    );

export const retryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(100),
  initialDelayMs: z.number().min(0).optional(),
  backoff: z.number().min(1).optional(),
  maxDelayMs: z.number().min(0).optional(),
  jitter: z.boolean().optional(),
});

/** Tool names: an id, or `<server>.<tool>` for tools of an MCP server. */
export const TOOL_NAME_PATTERN =
  /^[A-Za-z_][A-Za-z0-9_-]{0,63}(\.[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;
export const MAX_NODE_INPUTS = 100;
/** Items of one map node running at once, at most. */
export const MAX_MAP_CONCURRENCY = 1_000;

export const nodeDefSchema = z.strictObject({
  id: id('Node id'),
  tool: z
    .string()
    .min(1, 'Tool name must not be empty')
    .regex(
      TOOL_NAME_PATTERN,
      'Tool name must be an id (letters, digits, _ or -, starting with a letter or _) or <server>.<tool>',
    ),
  config: z.record(z.string(), z.unknown()).optional(),
  retry: retryPolicySchema.optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxIterations: z.number().int().min(1).max(100_000).optional(),
  onLimit: z.enum(['fail', 'exit']).optional(),
  inputs: z
    .record(z.string().min(1).max(64), z.string().max(MAX_CONDITION_LENGTH))
    .refine(
      (r) => Object.keys(r).length <= MAX_NODE_INPUTS,
      `At most ${MAX_NODE_INPUTS} inputs per node`,
    )
    .optional(),
  output: z
    .union([
      z.string().min(1).max(200),
      z
        .record(z.string().min(1).max(200), z.string().max(500))
        .refine((r) => Object.keys(r).length >= 1, 'output needs at least one key')
        .refine(
          (r) => Object.keys(r).length <= MAX_NODE_INPUTS,
          `At most ${MAX_NODE_INPUTS} output keys per node`,
        ),
    ])
    .optional(),
  graph: z.string().min(1).max(200).optional(),
  graphVersion: z.number().int().min(1).optional(),
  map: z
    .strictObject({
      over: z.string().max(MAX_CONDITION_LENGTH),
      as: z.string().min(1).max(64).optional(),
      maxConcurrency: z.number().int().min(1).max(MAX_MAP_CONCURRENCY).optional(),
    })
    .optional(),
});

export const edgeDefSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  when: z.string().max(MAX_CONDITION_LENGTH).optional(),
});

/** The reducer is checked in validate.ts (UNKNOWN_REDUCER), so any string passes here. */
export const stateKeyDefSchema = z.strictObject({
  reducer: z.string(),
  default: z.unknown().optional(),
});

export const runBudgetSchema = z.strictObject({
  maxTokens: z.number().int().positive().optional(),
  maxCostUsd: z.number().positive().optional(),
  maxModelCalls: z.number().int().positive().optional(),
  maxWallTimeMs: z.number().int().positive().optional(),
  onBudget: z.enum(['fail', 'stop']).optional(),
});

export const runLimitsSchema = z.strictObject({
  maxSteps: z.number().int().positive().optional(),
  maxDurationMs: z.number().int().positive().optional(),
  budget: runBudgetSchema.optional(),
});

export const graphDefSchema = z.strictObject({
  name: z.string().min(1).max(200),
  description: z.string().max(10_000).optional(),
  nodes: z.array(nodeDefSchema).min(1).max(MAX_NODES),
  edges: z.array(edgeDefSchema).max(MAX_EDGES),
  entry: z.string(),
  state: z
    .record(z.string(), stateKeyDefSchema)
    .refine((s) => Object.keys(s).length <= MAX_STATE_KEYS, `At most ${MAX_STATE_KEYS} state keys`)
    .optional(),
  limits: runLimitsSchema.optional(),
  concurrency: z
    .strictObject({
      key: z.string().min(1).max(MAX_CONDITION_LENGTH),
      onConflict: z.enum(['enqueue', 'reject', 'cancel_older']),
    })
    .optional(),
});
