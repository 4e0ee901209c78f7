import type { GraphDef } from '../../engine/graph.js';
import { ML_CONFIDENCE_THRESHOLD } from './postprocess.tool.js';

/**
 * Batched classification with an ONNX model run by onnxruntime-node: by default the committed
 * digits model on its held-out split (examples/ml-inference). Low-confidence items go to a
 * review ticket; the save node is a join that runs whether or not the review branch was taken.
 *
 *   preprocess -> features -> inference -> postprocess --------------------------> save
 *                                                     +-(low_confidence_count > 0)-> flag -+
 */
export const mlInferenceGraph: GraphDef = {
  name: 'ml-inference',
  description:
    'Classifies items with an ONNX model (default: handwritten digits, scikit-learn logistic regression) in batches; low-confidence items are flagged for review',
  entry: 'preprocess',
  nodes: [
    { id: 'preprocess', tool: 'ml_preprocess' },
    { id: 'features', tool: 'ml_build_features', config: { batchSize: 64 } },
    { id: 'inference', tool: 'ml_run_inference', timeoutMs: 60_000 },
    { id: 'postprocess', tool: 'ml_postprocess', config: { threshold: ML_CONFIDENCE_THRESHOLD } },
    { id: 'flag', tool: 'flag_for_review', config: { queue: 'ml-review' } },
    { id: 'save', tool: 'ml_save_results' },
  ],
  edges: [
    { from: 'preprocess', to: 'features' },
    { from: 'features', to: 'inference' },
    { from: 'inference', to: 'postprocess' },
    { from: 'postprocess', to: 'flag', when: 'state.low_confidence_count > 0' },
    { from: 'postprocess', to: 'save' },
    { from: 'flag', to: 'save' },
  ],
  state: {
    itemsFile: { reducer: 'replace', default: 'digits-holdout.csv' },
    model_spec: { reducer: 'replace' },
    predictions: { reducer: 'replace' },
    results: { reducer: 'replace' },
    summary: { reducer: 'replace' },
  },
};
