import { defineTool } from '../../tools/define-tool.js';
import { requireObject } from '../../tools/input.js';

/** The confident branch: the model's answer stands. Patch: `{ decision: 'accepted', decided_by: 'model' }`. */
export const acceptPredictionTool = defineTool({
  name: 'accept_prediction',
  description: 'Accepts state.prediction as final (the high-confidence branch)',
  run({ state, log }) {
    const prediction = requireObject(state, 'prediction', 'accept_prediction');
    log(`accepted ${String(prediction.label)} prediction`, { confidence: prediction.confidence });
    return { decision: 'accepted', decided_by: 'model' };
  },
});
