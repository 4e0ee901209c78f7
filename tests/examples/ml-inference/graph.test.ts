import { describe, expect, it } from 'vitest';
import {
  ML_CONFIDENCE_THRESHOLD,
  mlInferenceGraph,
} from '../../../src/examples/ml-inference/index.js';
import { runExample } from '../run-example.js';

describe('ml-inference graph', () => {
  it('accepts a confident prediction', async () => {
    const result = await runExample(mlInferenceGraph);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.confidence as number).toBeGreaterThanOrEqual(ML_CONFIDENCE_THRESHOLD);
    expect(result.state.response).toMatchObject({ label: 'positive', decision: 'accepted' });
    expect(result.skipped('flag')).toBe('dead_path');
  });

  it('flags an unsure prediction for review and still responds', async () => {
    const result = await runExample(mlInferenceGraph, { text: 'The parcel arrived on Tuesday.' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.response).toMatchObject({ decision: 'needs_review' });
    expect(result.skipped('accept')).toBe('dead_path');
    expect(
      result.events.some((e) => e.type === 'CUSTOM' && e.data.name === 'review_requested'),
    ).toBe(true);
  });
});
