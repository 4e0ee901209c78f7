import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { type Items, itemsFromCsv, itemsFromState } from './items.js';
import { MlError } from './ml-error.js';
import { modelSpecSchema, parseModelSpec, resolveModelSpec } from './model-spec.js';

const config = z.strictObject({
  /** The model, under the run input's `model` (whose fields win). */
  model: modelSpecSchema.optional(),
  /** The CSV column holding the true label (optional in the file). */
  labelColumn: z.string().min(1).max(200).default('label'),
  /** More items than this fail with ML_TOO_MANY_ITEMS. */
  maxItems: z.number().int().positive().max(1_000_000).default(5_000),
});

/**
 * Resolves the model (run input `model` over the node config, defaults: the committed model),
 * loads it lazily, and reads the items (`state.items`, else the CSV `state.itemsFile` in the
 * model directory), each checked against the model's feature count.
 * Patch: `{ model_spec, ids, rows, expected, item_count }`.
 */
export function createPreprocessTool(modelDir: string) {
  return defineTool({
    name: 'ml_preprocess',
    description:
      'Resolves the ONNX model and validates state.items (or the CSV state.itemsFile) against its feature count',
    config,
    async run({ state, config, log }) {
      const spec = await resolveModelSpec(
        modelDir,
        config.model ?? {},
        parseModelSpec(state.model),
      );
      let items: Items;
      if (state.items !== undefined && state.items !== null) {
        items = itemsFromState(state.items, spec.featureCount);
      } else if (typeof state.itemsFile === 'string') {
        items = itemsFromCsv(modelDir, state.itemsFile, spec.featureCount, config.labelColumn);
      } else {
        throw new MlError(
          'ML_NO_ITEMS',
          'give state.items (arrays of numbers, or { id, features, label }) or state.itemsFile (a CSV in ML_MODEL_DIR)',
        );
      }
      if (items.rows.length === 0)
        throw new MlError('ML_NO_ITEMS', 'there are no items to classify');
      if (items.rows.length > config.maxItems)
        throw new MlError(
          'ML_TOO_MANY_ITEMS',
          `${items.rows.length} items, above maxItems (${config.maxItems}); split the set or raise maxItems`,
          { items: items.rows.length, maxItems: config.maxItems },
        );
      log(`${items.rows.length} items of ${spec.featureCount} features for ${spec.file}`, {
        labelled: items.expected !== null,
      });
      return { model_spec: spec, ...items, item_count: items.rows.length };
    },
  });
}
