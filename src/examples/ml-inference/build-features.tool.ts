import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { MlError } from './ml-error.js';
import { requireModelSpec } from './model-spec.js';

/** One input tensor of a session.run: `dims` [items, features], `data` row-major. */
export interface TensorBatch {
  offset: number;
  dims: [number, number];
  data: number[];
}

const config = z.strictObject({
  /** Items per session.run. */
  batchSize: z.number().int().positive().max(65_536).default(64),
});

/**
 * Turns `state.rows` into row-major tensor batches of `batchSize` items for the model's input.
 * Patch: `{ batches: TensorBatch[], rows: null }` (the rows now live in the batches; a fork
 * from this node still sees them, in the state the node started with).
 */
export const buildFeaturesTool = defineTool({
  name: 'ml_build_features',
  description: 'Builds batched float tensors [batchSize, features] from state.rows',
  config,
  run({ state, config }) {
    const spec = requireModelSpec(state, 'ml_build_features');
    const rows = state.rows;
    if (!Array.isArray(rows))
      throw new MlError(
        'ML_STATE_MISSING',
        'ml_build_features needs state.rows from ml_preprocess',
      );
    const width = spec.featureCount;
    const batches: TensorBatch[] = [];
    for (let offset = 0; offset < rows.length; offset += config.batchSize) {
      const slice = rows.slice(offset, offset + config.batchSize) as number[][];
      const data = new Array<number>(slice.length * width);
      slice.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== width)
          throw new MlError(
            'ML_FEATURE_COUNT',
            `rows[${offset + i}] does not have ${width} features`,
            {
              index: offset + i,
              expected: width,
            },
          );
        for (let j = 0; j < width; j++) data[i * width + j] = row[j] as number;
      });
      batches.push({ offset, dims: [slice.length, width], data });
    }
    return { batches, rows: null };
  },
});
