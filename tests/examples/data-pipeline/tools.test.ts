import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../../src/engine/errors.js';
import type { State } from '../../../src/engine/graph.js';
import { columnStatsTool } from '../../../src/examples/data-pipeline/column-stats.tool.js';
import { detectOutliersTool } from '../../../src/examples/data-pipeline/detect-outliers.tool.js';
import { normalizeRowsTool } from '../../../src/examples/data-pipeline/normalize-rows.tool.js';
import { parseCsvTool } from '../../../src/examples/data-pipeline/parse-csv.tool.js';
import { summarizeReportTool } from '../../../src/examples/data-pipeline/summarize-report.tool.js';
import { runTool } from '../../tools/run-tool.js';

const CSV = 'name,score,city\nann,10,"Paris, FR"\nbob,20,Rome\n"c ""q""",,Oslo\ndan,30,Bern\n';

async function parsed(csv = CSV): Promise<State> {
  return { csv, ...(await runTool(parseCsvTool, { csv })).patch };
}

describe('parse_csv', () => {
  it('parses quoted fields, numbers and empty cells', async () => {
    const state = await parsed();
    expect(state.columns).toEqual(['name', 'score', 'city']);
    expect(state.row_count).toBe(4);
    expect(state.rows).toEqual([
      { name: 'ann', score: 10, city: 'Paris, FR' },
      { name: 'bob', score: 20, city: 'Rome' },
      { name: 'c "q"', score: null, city: 'Oslo' },
      { name: 'dan', score: 30, city: 'Bern' },
    ]);
  });

  it('handles CRLF, a custom delimiter and multi-line quoted fields', async () => {
    const { patch } = await runTool(
      parseCsvTool,
      { csv: 'a;b\r\n"x\ny";2\r\n' },
      { config: { delimiter: ';' } },
    );
    expect(patch?.rows).toEqual([{ a: 'x\ny', b: 2 }]);
  });

  it('fails for good on missing text, ragged rows and unterminated quotes', async () => {
    await expect(runTool(parseCsvTool, {})).rejects.toBeInstanceOf(NonRetryableError);
    await expect(runTool(parseCsvTool, { csv: 'a,b\n1\n' })).rejects.toThrow(/row 2 has 1 fields/);
    await expect(runTool(parseCsvTool, { csv: 'a\n"x\n' })).rejects.toThrow(/unterminated/);
    await expect(runTool(parseCsvTool, { csv: '' })).rejects.toThrow(/header/);
  });
});

describe('column_stats', () => {
  it('summarises numeric columns only, counting missing cells', async () => {
    const { patch } = await runTool(columnStatsTool, await parsed());
    expect(patch).toEqual({
      stats: {
        score: {
          count: 3,
          missing: 1,
          min: 10,
          max: 30,
          sum: 60,
          mean: 20,
          median: 20,
          stddev: 8.164966,
        },
      },
    });
  });

  it('fails for good without rows', async () => {
    await expect(runTool(columnStatsTool, { columns: [] })).rejects.toThrow(/state\.rows/);
  });
});

describe('detect_outliers', () => {
  const rows = [1, 2, 3, 2, 1, 2, 3, 2, 1, 50].map((v, i) => ({ id: `r${i}`, v }));

  it('flags values whose z-score reaches the threshold', async () => {
    const { patch } = await runTool(
      detectOutliersTool,
      { rows, columns: ['id', 'v'] },
      { config: { threshold: 2.5 } },
    );
    expect(patch).toEqual({
      outliers: [{ row: 9, column: 'v', value: 50, zScore: 2.996 }],
      outlier_count: 1,
    });
  });

  it('finds none under the default threshold of 3, nor in constant columns', async () => {
    expect(
      (await runTool(detectOutliersTool, { rows, columns: ['id', 'v'] })).patch?.outlier_count,
    ).toBe(0);
    const flat = [{ v: 1 }, { v: 1 }, { v: 1 }];
    expect(
      (
        await runTool(
          detectOutliersTool,
          { rows: flat, columns: ['v'] },
          { config: { threshold: 0.1 } },
        )
      ).patch,
    ).toEqual({ outliers: [], outlier_count: 0 });
  });
});

describe('normalize_rows', () => {
  it('min-max scales numeric columns and keeps others', async () => {
    const { patch } = await runTool(normalizeRowsTool, await parsed());
    expect((patch!.normalized as State[]).map((r) => [r.name, r.score])).toEqual([
      ['ann', 0],
      ['bob', 0.5],
      ['c "q"', null],
      ['dan', 1],
    ]);
  });

  it('z-scores when asked', async () => {
    const { patch } = await runTool(
      normalizeRowsTool,
      { rows: [{ v: 1 }, { v: 3 }], columns: ['v'] },
      { config: { method: 'zscore' } },
    );
    expect(patch?.normalized).toEqual([{ v: -1 }, { v: 1 }]);
  });
});

describe('summarize_report', () => {
  it('combines stats, outliers and normalisation into a report', async () => {
    const state = await parsed();
    Object.assign(state, (await runTool(columnStatsTool, state)).patch);
    state.outliers = [{ row: 3, column: 'score', value: 30, zScore: 1.2 }];
    state.normalized = [];
    const { patch } = await runTool(summarizeReportTool, state);
    expect(patch?.summary).toBe('4 rows, 1 numeric columns, 1 outlier');
    expect(patch?.report).toMatchObject({
      rowCount: 4,
      columns: ['name', 'score', 'city'],
      numericColumns: ['score'],
      outlierCount: 1,
      normalized: true,
      highlights: [
        'score: mean 20, median 20, range 10..30 (n=3)',
        'outlier: row 3 score = 30 (z=1.2)',
      ],
    });
  });

  it('fails for good without stats', async () => {
    await expect(runTool(summarizeReportTool, {})).rejects.toBeInstanceOf(NonRetryableError);
  });
});
