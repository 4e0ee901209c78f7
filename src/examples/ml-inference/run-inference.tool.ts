import type { Tensor } from 'onnxruntime-node';
import { defineTool } from '../../tools/define-tool.js';
import type { TensorBatch } from './build-features.tool.js';
import { MlError } from './ml-error.js';
import { labelsMismatch, requireModelSpec, sessionFor } from './model-spec.js';
import { loadRuntime } from './session-cache.js';

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Runs the model on `state.batches`, one session.run per batch, on the session cached for the
 * model file (loaded on first use). Patch: `{ scores: number[][] (one row per item, the output
 * tensor's values, 6 decimals), batches: null, inference: { items, batches, classes } }`.
 */
export function createRunInferenceTool(modelDir: string) {
  return defineTool({
    name: 'ml_run_inference',
    description: 'Runs the ONNX model (onnxruntime-node) on state.batches, N items per session.run',
    async run({ state, signal, log }) {
      const spec = requireModelSpec(state, 'ml_run_inference');
      const batches = state.batches;
      if (!Array.isArray(batches))
        throw new MlError(
          'ML_STATE_MISSING',
          'ml_run_inference needs state.batches from ml_build_features',
        );
      const [ort, session] = await Promise.all([loadRuntime(), sessionFor(modelDir, spec.file)]);
      const scores: number[][] = [];
      let classes = 0;
      const started = performance.now();
      for (const batch of batches as TensorBatch[]) {
        signal.throwIfAborted();
        const [n, width] = batch.dims;
        const feeds = {
          [spec.input]: new ort.Tensor('float32', Float32Array.from(batch.data), [n, width]),
        };
        const out = (await session.run(feeds, [spec.output]))[spec.output] as Tensor | undefined;
        const dims = out?.dims ?? [];
        if (!out || dims.length !== 2 || dims[0] !== n || typeof out.data === 'string')
          throw new MlError(
            'ML_MODEL_INVALID',
            `output "${spec.output}" is ${JSON.stringify(dims)}; this example reads [items, classes]`,
          );
        classes = Number(dims[1]);
        if (spec.labels && spec.labels.length !== classes)
          throw labelsMismatch(spec.labels.length, classes);
        const values = out.data as ArrayLike<number>;
        for (let i = 0; i < n; i++) {
          const row = new Array<number>(classes);
          for (let c = 0; c < classes; c++) row[c] = round6(Number(values[i * classes + c]));
          scores.push(row);
        }
      }
      const ms = performance.now() - started;
      log(`${scores.length} items in ${batches.length} session.run calls`, {
        ms: Math.round(ms * 10) / 10,
        itemsPerSecond: ms > 0 ? Math.round((scores.length / ms) * 1000) : null,
      });
      return {
        scores,
        batches: null,
        inference: { items: scores.length, batches: batches.length, classes },
      };
    },
  });
}
