import { describe, expect, it } from 'vitest';
import {
  buildFeaturesTool,
  createPreprocessTool,
  DEFAULT_MODEL_DIR,
  type MlError,
  type ModelSpec,
  type Prediction,
  postprocessTool,
} from '../../../src/examples/ml-inference/index.js';
import { runTool } from '../../tools/run-tool.js';

const spec = (over: Partial<ModelSpec> = {}): ModelSpec => ({
  file: 'm.onnx',
  input: 'x',
  output: 'y',
  labels: ['cat', 'dog', 'bird'],
  scores: 'probabilities',
  featureCount: 2,
  ...over,
});

const mlCode = (err: unknown) => (err as MlError).mlCode;

describe('ml_build_features', () => {
  it('lays the rows out row-major in batches of batchSize, the last one short', async () => {
    const rows = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const { patch } = await runTool(
      buildFeaturesTool,
      { model_spec: spec(), rows },
      { config: { batchSize: 2 } },
    );
    expect(patch).toEqual({
      batches: [
        { offset: 0, dims: [2, 2], data: [1, 2, 3, 4] },
        { offset: 2, dims: [1, 2], data: [5, 6] },
      ],
      rows: null,
    });
  });
});

describe('ml_postprocess', () => {
  it('labels each item with its most probable class and flags those under the threshold', async () => {
    const { patch } = await runTool(
      postprocessTool,
      {
        model_spec: spec(),
        ids: ['a', 'b'],
        expected: ['dog', 'cat'],
        scores: [
          [0.1, 0.85, 0.05],
          [0.3, 0.35, 0.35],
        ],
      },
      { config: { threshold: 0.6 } },
    );
    expect(patch?.predictions as Prediction[]).toEqual([
      {
        id: 'a',
        label: 'dog',
        probability: 0.85,
        lowConfidence: false,
        expected: 'dog',
        correct: true,
      },
      {
        id: 'b',
        label: 'dog',
        probability: 0.35,
        lowConfidence: true,
        expected: 'cat',
        correct: false,
      },
    ]);
    expect(patch?.low_confidence_count).toBe(1);
  });

  it('turns logits into probabilities with a softmax, and labels by column without labels', async () => {
    const { patch } = await runTool(postprocessTool, {
      model_spec: spec({ labels: null, scores: 'logits' }),
      ids: [0],
      scores: [[0, Math.log(3), 0]],
    });
    // softmax(0, ln 3, 0) = (1, 3, 1) / 5
    expect(patch?.predictions).toEqual([
      { id: 0, label: '1', probability: 0.6, lowConfidence: false },
    ]);
  });
});

describe('ml_preprocess', () => {
  const preprocess = createPreprocessTool(DEFAULT_MODEL_DIR);
  const items = (n: number) => Array.from({ length: n }, () => new Array(64).fill(1));

  it('resolves the committed model from its metadata and keeps ids and labels', async () => {
    const { patch } = await runTool(preprocess, {
      items: [{ id: 'x', features: new Array(64).fill(0), label: 7 }, new Array(64).fill(2)],
    });
    expect(patch?.model_spec).toEqual({
      file: 'digits-logreg.onnx',
      input: 'input',
      output: 'probabilities',
      labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      scores: 'probabilities',
      featureCount: 64,
    });
    expect(patch).toMatchObject({ ids: ['x', 1], expected: null, item_count: 2 });
  });

  it('ML_TOO_MANY_ITEMS above maxItems', async () => {
    const err = await runTool(preprocess, { items: items(3) }, { config: { maxItems: 2 } }).catch(
      (e: unknown) => e,
    );
    expect(mlCode(err)).toBe('ML_TOO_MANY_ITEMS');
    expect(
      (await runTool(preprocess, { items: items(2) }, { config: { maxItems: 2 } })).patch,
    ).toMatchObject({ item_count: 2 });
  });
});
