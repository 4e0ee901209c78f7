import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../../src/engine/errors.js';
import type { State } from '../../../src/engine/graph.js';
import { acceptPredictionTool } from '../../../src/examples/ml-inference/accept-prediction.tool.js';
import { buildResponseTool } from '../../../src/examples/ml-inference/build-response.tool.js';
import {
  classifySentimentTool,
  type SentimentPrediction,
} from '../../../src/examples/ml-inference/classify-sentiment.tool.js';
import { flagForReviewTool } from '../../../src/examples/ml-inference/flag-for-review.tool.js';
import {
  preprocessTextTool,
  tokenize,
} from '../../../src/examples/ml-inference/preprocess-text.tool.js';
import { runTool } from '../../tools/run-tool.js';

async function classify(text: string): Promise<State> {
  let state: State = { text };
  state = { ...state, ...(await runTool(preprocessTextTool, state)).patch };
  return { ...state, ...(await runTool(classifySentimentTool, state)).patch };
}

describe('preprocess_text', () => {
  it('lowercases, tokenises and marks negated words within the clause', async () => {
    expect(tokenize("It's NOT good at all, but fast!")).toEqual([
      "it's",
      'not',
      'not_good',
      'not_at',
      'not_all',
      'but',
      'fast',
    ]);
    const { patch } = await runTool(preprocessTextTool, { text: 'Hello world' });
    expect(patch).toEqual({ tokens: ['hello', 'world'], token_count: 2 });
  });

  it('fails for good without text', async () => {
    await expect(runTool(preprocessTextTool, {})).rejects.toBeInstanceOf(NonRetryableError);
  });
});

describe('classify_sentiment', () => {
  it('is confident on clearly positive and clearly negative text', async () => {
    const positive = await classify('Great product, fast and reliable. I love it!');
    expect(positive.prediction).toMatchObject({ label: 'positive', model: 'sentiment-lr-v1' });
    expect(positive.confidence as number).toBeGreaterThan(0.99);
    const negative = await classify('Terrible. It crashes all the time, slow and broken.');
    expect(negative.prediction).toMatchObject({ label: 'negative' });
    expect(negative.confidence as number).toBeGreaterThan(0.99);
  });

  it('is unsure about text without known words, and negation flips a word', async () => {
    const unsure = await classify('The package arrived on Tuesday.');
    expect(unsure.confidence).toBe(0.5);
    expect((unsure.prediction as SentimentPrediction).features).toEqual([]);
    const negated = await classify('not good');
    expect(negated.prediction).toMatchObject({
      label: 'negative',
      features: [{ token: 'not_good', weight: -1.28 }],
    });
    expect(negated.confidence).toBe(0.7824);
  });
});

describe('accept / flag / respond', () => {
  it('accepts a confident prediction and answers with it', async () => {
    const state = await classify('excellent, thanks');
    Object.assign(state, (await runTool(acceptPredictionTool, state)).patch);
    expect(state.decision).toBe('accepted');
    const { patch } = await runTool(buildResponseTool, state);
    expect(patch?.response).toEqual({
      label: 'positive',
      confidence: state.confidence,
      decision: 'accepted',
      message: expect.stringMatching(/^positive \([\d.]+% confident\), accepted automatically$/),
    });
  });

  it('flags an unsure prediction with a stable ticket and a CUSTOM event', async () => {
    const state = await classify('it is fine I guess');
    const first = await runTool(flagForReviewTool, state, { idempotencyKey: 'r:flag:1' });
    const retry = await runTool(flagForReviewTool, state, { idempotencyKey: 'r:flag:1' });
    const ticket = first.patch?.review_ticket as { id: string; queue: string };
    expect(first.patch?.decision).toBe('needs_review');
    expect(ticket.id).toMatch(/^review_[0-9a-f]{12}$/);
    expect(retry.patch?.review_ticket).toEqual(ticket);
    expect(first.events).toEqual([{ name: 'review_requested', payload: ticket }]);
    Object.assign(state, first.patch);
    const { patch } = await runTool(buildResponseTool, state);
    expect(patch?.response).toMatchObject({ decision: 'needs_review', reviewTicket: ticket.id });
  });

  it('fails for good without a prediction', async () => {
    await expect(runTool(acceptPredictionTool, {})).rejects.toBeInstanceOf(NonRetryableError);
    await expect(runTool(buildResponseTool, {})).rejects.toBeInstanceOf(NonRetryableError);
  });
});
