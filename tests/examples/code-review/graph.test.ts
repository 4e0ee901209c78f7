import { describe, expect, it } from 'vitest';
import { SAMPLE_CODE, SAMPLE_FILENAME } from '../../../src/examples/code-review/index.js';
import { at, FIXTURES, fixture, review } from './review.js';

const consoleCalls = (code: string) => code.match(/console\.error\(/g)?.length ?? 0;

describe('code-review graph', () => {
  it('reviews the sample with no input, fixes it with ESLint and re-reviews only once', async () => {
    const r = await review({});
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    const edited = (r.state.edited as Record<string, string>)[SAMPLE_FILENAME]!;
    expect(r.state.fixes).toEqual([
      { path: SAMPLE_FILENAME, rule: 'no-var', count: 1 },
      { path: SAMPLE_FILENAME, rule: 'no-extra-boolean-cast', count: 1 },
      { path: SAMPLE_FILENAME, rule: 'prefer-const', count: 1 },
    ]);
    expect(edited).toContain("const text = await readFile(path, 'utf8');");
    expect(edited).toContain('if (item.qty) total');
    expect(edited).toContain("const cancelled = order.status === 'cancelled';");
    // The deliberate warning stays.
    expect(consoleCalls(edited)).toBe(consoleCalls(SAMPLE_CODE));
    // Reviewed, fixed, reviewed again: the second fix pass changed nothing, so the loop ended.
    expect(r.state.reviews).toEqual({ [SAMPLE_FILENAME]: 2 });
    expect(r.ran('lint')).toBe(2);
    expect(r.ran('fix')).toBe(2);
    expect(r.ran('report')).toBe(1);
    expect(at(r.findings(SAMPLE_FILENAME))).toEqual(['@typescript-eslint/no-explicit-any@36']);
  });

  it('reviews each unchanged file of a directory once', async () => {
    const r = await review({ path: FIXTURES });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    expect(r.state.reviews).toEqual({
      [`${FIXTURES}/pg-protocol-parser.ts`]: 1,
      [`${FIXTURES}/pg-protocol-serializer.ts`]: 1,
      [`${FIXTURES}/zod-schemas.ts`]: 1,
    });
    expect(r.state.fixes).toEqual([]);
    expect(r.ran('lint')).toBe(1);
  });

  it('re-reviews only the file a fix changed, and keeps its console.error warnings', async () => {
    const serializer = `${FIXTURES}/pg-protocol-serializer.ts`;
    const r = await review({
      path: FIXTURES,
      // capitalized-comments has autofixes here; no-console has only suggestions.
      rules: { 'capitalized-comments': 'error', 'no-console': 'warn' },
    });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    const reviews = r.state.reviews as Record<string, number>;
    expect(reviews[serializer]).toBe(2);
    expect(reviews[`${FIXTURES}/pg-protocol-parser.ts`]).toBe(2);
    expect(reviews[`${FIXTURES}/zod-schemas.ts`]).toBe(2);
    const fixed = Object.keys(r.state.edited as object).sort();
    // Exactly the files whose text changed were reviewed twice, no file three times.
    for (const [path, n] of Object.entries(reviews)) expect(n).toBe(fixed.includes(path) ? 2 : 1);
    const after = (r.state.edited as Record<string, string>)[serializer]!;
    expect(consoleCalls(after)).toBe(3);
    expect(consoleCalls(fixture('pg-protocol-serializer.ts'))).toBe(3);
    expect(at(r.findings(serializer)).filter((x) => x.startsWith('no-console'))).toEqual([
      'no-console@81',
      'no-console@82',
      'no-console@83',
    ]);
    expect(r.findings(serializer).some((f) => f.rule === 'capitalized-comments')).toBe(false);
  });
});
