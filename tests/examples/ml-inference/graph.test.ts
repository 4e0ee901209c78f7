import { describe, expect, it } from 'vitest';
import {
  ML_CONFIDENCE_THRESHOLD,
  mlInferenceGraph,
} from '../../../src/examples/ml-inference/index.js';
import { runExample } from '../run-example.js';
import { accuracyOf, loadHoldout, type MlResult, type MlSummary } from './holdout.js';

const { meta, truth, sklearn } = loadHoldout();
/** Float32 in onnxruntime against float64 in scikit-learn. */
const TOLERANCE = 0.005;

describe('ml-inference on the committed held-out split', () => {
  it('classifies every held-out image at least as well as scikit-learn did', async () => {
    const run = await runExample(mlInferenceGraph);
    expect(run.error).toBeUndefined();
    const results = run.state.results as MlResult[];
    expect(results).toHaveLength(meta.holdoutSize);
    expect(new Set(results.map((r) => String(r.id)))).toEqual(new Set(truth.keys()));
    const accuracy = accuracyOf(results, truth);
    expect(accuracy).toBeGreaterThanOrEqual(meta.sklearnAccuracy - TOLERANCE);
    const summary = run.state.summary as MlSummary;
    expect(summary.accuracy).toBeCloseTo(accuracy, 6);
    expect(summary).toMatchObject({ model: meta.model, items: meta.holdoutSize, labelled: true });
    expect(run.state.inference).toEqual({
      items: meta.holdoutSize,
      batches: Math.ceil(meta.holdoutSize / 64),
      classes: meta.labels.length,
    });
  });

  it("gives scikit-learn's label and probability for each item", async () => {
    const run = await runExample(mlInferenceGraph);
    const results = run.state.results as MlResult[];
    const mismatched = results.filter((r) => sklearn.get(String(r.id))?.label !== r.label);
    expect(mismatched).toEqual([]);
    // The least and the most confident ones, where a scaler or softmax slip shows first.
    const byConfidence = [...results].sort((a, b) => a.probability - b.probability);
    for (const r of [...byConfidence.slice(0, 3), ...byConfidence.slice(-3), results[0]!]) {
      expect(r.probability).toBeCloseTo(sklearn.get(String(r.id))!.probability, 3);
    }
  });

  it('flags the items scikit-learn was unsure about and links them to one review ticket', async () => {
    const run = await runExample(mlInferenceGraph);
    const results = run.state.results as MlResult[];
    const unsure = [...sklearn].filter(([, p]) => p.probability < ML_CONFIDENCE_THRESHOLD);
    expect(unsure.length).toBeGreaterThan(0);
    const flagged = results.filter((r) => r.lowConfidence);
    expect(flagged.map((r) => String(r.id)).sort()).toEqual(unsure.map(([id]) => id).sort());
    const ticket = run.state.review_ticket as { id: string; items: string[] };
    expect(ticket.items).toEqual(flagged.map((r) => r.id));
    expect(flagged.every((r) => r.review === ticket.id)).toBe(true);
    expect(results.filter((r) => !r.lowConfidence).every((r) => r.review === undefined)).toBe(true);
    expect(run.ran('flag')).toBe(1);
    const event = run.events.find((e) => e.type === 'CUSTOM' && e.data.name === 'review_requested');
    expect(event?.data).toMatchObject({ payload: { id: ticket.id, count: flagged.length } });
    expect((run.state.summary as MlSummary).lowConfidence).toBe(flagged.length);
  });

  it('skips the review branch when no item is below the threshold, and still saves', async () => {
    const graph = {
      ...mlInferenceGraph,
      nodes: mlInferenceGraph.nodes.map((n) =>
        n.id === 'postprocess' ? { ...n, config: { threshold: 0 } } : n,
      ),
    };
    const run = await runExample(graph);
    expect(run.skipped('flag')).toBe('dead_path');
    expect(run.ran('save')).toBe(1);
    expect((run.state.summary as MlSummary).reviewTicket).toBeNull();
  });

  it('gives the same predictions whatever the batch size', async () => {
    const withBatch = (batchSize: number) => ({
      ...mlInferenceGraph,
      nodes: mlInferenceGraph.nodes.map((n) =>
        n.id === 'features' ? { ...n, config: { batchSize } } : n,
      ),
    });
    const one = await runExample(withBatch(7));
    const all = await runExample(withBatch(1000));
    expect((one.state.inference as { batches: number }).batches).toBe(
      Math.ceil(meta.holdoutSize / 7),
    );
    expect((all.state.inference as { batches: number }).batches).toBe(1);
    // The review ticket id derives from the run; everything else must be the same.
    const strip = (r: unknown) => (r as MlResult[]).map(({ review: _, ...rest }) => rest);
    expect(strip(one.state.results)).toEqual(strip(all.state.results));
  });

  it('classifies inline items with their ids and true labels', async () => {
    const input = (await import('../../../examples/ml-inference/sample-input.json', {
      with: { type: 'json' },
    })) as { default: { items: Array<{ id: string; label: string }> } };
    const run = await runExample(mlInferenceGraph, input.default);
    expect(run.error).toBeUndefined();
    const results = run.state.results as MlResult[];
    expect(results.map((r) => r.id)).toEqual(input.default.items.map((i) => i.id));
    for (const r of results) {
      expect(r.expected).toBe(truth.get(String(r.id).replace('holdout-', '')));
      expect(r.label).toBe(sklearn.get(String(r.id).replace('holdout-', ''))?.label);
    }
  });
});
