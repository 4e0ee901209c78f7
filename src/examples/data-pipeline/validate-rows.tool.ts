import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { readDataset, runStage } from './dataset.js';
import type { LineRow } from './types.js';
import { compileRowSchema, validateChunk } from './validate.js';

export const validateConfig = z.strictObject({
  schema: z
    .record(z.string(), z.unknown())
    .refine(compiles, 'a JSON Schema ajv can compile')
    .describe('JSON Schema each row must satisfy'),
  chunkSize: z.number().int().min(1).max(100_000).default(5_000),
});

/**
 * Validate: checks every row against the declared JSON Schema (ajv); failing rows are
 * quarantined with every error. Patch: `{ dataset: { last }, validate: { rows, quarantined } }`.
 */
export const validateRowsTool = defineTool({
  name: 'validate_rows',
  description:
    'Checks each row against a JSON Schema (ajv); rows that fail are quarantined with the reason',
  config: validateConfig,
  async run({ state, config, signal }) {
    const dataset = readDataset(state, 'validate_rows', ['clean', 'transform']);
    const validate = compileRowSchema(config.schema);
    const counts = await runStage<LineRow, LineRow>(
      dataset,
      'validate',
      config.chunkSize,
      signal,
      (chunk) => validateChunk(chunk, validate),
    );
    return { dataset: { last: 'validate' }, validate: counts };
  },
});

function compiles(schema: Record<string, unknown>): boolean {
  try {
    compileRowSchema(schema);
    return true;
  } catch {
    return false;
  }
}
