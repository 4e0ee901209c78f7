import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { readDataset, runStage } from './dataset.js';
import { PipelineError } from './errors.js';
import { derivationSchema, transformChunk } from './transform.js';
import type { ColumnType, LineRow } from './types.js';

export const transformConfig = z.strictObject({
  derive: z
    .array(derivationSchema)
    .default([])
    .describe(
      'Derived columns, in order: { name, op: sum|difference|product|ratio, of: [a, b], round? }',
    ),
  chunkSize: z.number().int().min(1).max(100_000).default(5_000),
});

/**
 * Transform: adds the declared derived columns (arithmetic of two numeric columns, as data: no
 * code runs). Patch: `{ dataset: { last, columns }, transform: { rows, quarantined, derived } }`.
 */
export const transformRowsTool = defineTool({
  name: 'transform_rows',
  description:
    'Adds derived columns declared as data (sum, difference, product, ratio of two columns)',
  config: transformConfig,
  async run({ state, config, signal }) {
    const dataset = readDataset(state, 'transform_rows', ['clean', 'transform', 'validate']);
    const columns: Record<string, ColumnType> = { ...dataset.columns };
    for (const d of config.derive) {
      const unknown = d.of.filter((c) => !(c in columns));
      const notNumeric = d.of.filter(
        (c) => c in columns && columns[c] !== 'number' && columns[c] !== 'integer',
      );
      if (unknown.length > 0 || notNumeric.length > 0 || d.name in columns) {
        throw new PipelineError(
          'MISSING_COLUMNS',
          `derived column ${d.name}: ${
            d.name in columns
              ? 'the name is taken'
              : unknown.length > 0
                ? `no column ${unknown.join(', ')}`
                : `${notNumeric.join(', ')} is not numeric`
          }; derive from number or integer columns declared before it`,
        );
      }
      columns[d.name] = 'number';
    }
    const counts = await runStage<LineRow, LineRow>(
      dataset,
      'transform',
      config.chunkSize,
      signal,
      (chunk) => transformChunk(chunk, config.derive),
    );
    return {
      dataset: { last: 'transform', columns },
      transform: { ...counts, derived: config.derive.map((d) => d.name) },
    };
  },
});
