import { describe, expect, it } from 'vitest';
import { dataPipelineGraph } from '../../../src/examples/data-pipeline/index.js';
import { runExample } from '../run-example.js';

describe('data-pipeline graph', () => {
  it('fans out over the sample CSV and joins into one report', async () => {
    const result = await runExample(dataPipelineGraph);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.summary).toBe('12 rows, 2 numeric columns, 2 outliers');
    expect(result.state.outliers).toEqual([
      { row: 8, column: 'orders', value: 610, zScore: 3.135 },
      { row: 8, column: 'revenue', value: 76200, zScore: 3.132 },
    ]);
    for (const id of ['parse', 'stats', 'outliers', 'normalize', 'report']) {
      expect(result.ran(id)).toBe(1);
    }
  });

  it('fails the run with a clear error on malformed CSV', async () => {
    const result = await runExample(dataPipelineGraph, { csv: 'a,b\n1,2,3\n' });
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toMatch(/row 2 has 3 fields/);
    expect(result.error?.nodeId).toBe('parse');
  });
});
