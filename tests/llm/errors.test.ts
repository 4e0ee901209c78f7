import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/llm/errors.js';
import { parseStructuredOutput } from '../../src/llm/structured-output.js';

describe('retry-after', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(retryAfterMs({ 'retry-after-ms': '1500' }, now)).toBe(1500);
    expect(retryAfterMs({ 'Retry-After': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:04 GMT' }, now)).toBe(4000);
  });
  it('ignores missing and unusable values', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '-2' }, now)).toBeUndefined();
  });
});

describe('structured output', () => {
  const schema = {
    type: 'object',
    properties: { label: { enum: ['bug', 'question'] }, confidence: { type: 'number' } },
    required: ['label', 'confidence'],
  };
  it('parses and validates JSON, in a Markdown fence too', () => {
    expect(parseStructuredOutput('{"label":"bug","confidence":0.9}', schema)).toEqual({
      label: 'bug',
      confidence: 0.9,
    });
    expect(
      parseStructuredOutput('```json\n{"label":"question","confidence":1}\n```', schema),
    ).toEqual({
      label: 'question',
      confidence: 1,
    });
  });
  it('fails retryably with every validation problem', () => {
    let err: unknown;
    try {
      parseStructuredOutput('{"label":"other"}', schema);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'LLM_OUTPUT_INVALID', retryable: true });
    expect((err as { details: { errors: string[] } }).details.errors).toHaveLength(2);
    expect((err as Error).message).toContain("must have required property 'confidence'");
  });
  it('fails retryably on an answer that is not JSON', () => {
    expect(() => parseStructuredOutput('Sure! Here it is', schema)).toThrow(/not JSON/);
  });
});
