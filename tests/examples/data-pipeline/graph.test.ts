import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph, compileGraphOrThrow } from '../../../src/engine/compile.js';
import { createMemorySink } from '../../../src/engine/events.js';
import { executeRun } from '../../../src/engine/executor.js';
import type { GraphDef, State } from '../../../src/engine/graph.js';
import {
  createDataPipelineTools,
  dataPipelineGraph,
} from '../../../src/examples/data-pipeline/index.js';
import { createBuiltinRegistry } from '../../../src/tools/builtin.js';
import { runTool } from '../../tools/run-tool.js';
import { runExample } from '../run-example.js';

const work = mkdtempSync(join(tmpdir(), 'dp-graph-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('data-pipeline graph', () => {
  it('runs Load -> Clean -> Transform -> Validate -> Store -> Report on orders.csv with no input', async () => {
    const result = await runExample(dataPipelineGraph);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    for (const id of ['load', 'clean', 'transform', 'validate', 'store', 'report']) {
      expect(result.ran(id)).toBe(1);
    }
    expect(result.state.summary).toBe(
      '244 rows read, 235 valid, 12 quarantined, 232 stored (232 new, 0 updated), 10 outliers',
    );
    expect(result.state.load).toEqual({
      read: 244,
      loaded: 243,
      quarantined: { ragged_row: 1 },
      ignoredColumns: ['notes'],
    });
    expect(result.state.clean).toMatchObject({
      rows: 239,
      quarantined: { invalid_date: 2, invalid_integer: 1, invalid_number: 1 },
    });
    const report = result.state.report as {
      outliers: {
        columns: Record<string, { median: number; mad: number }>;
        listed: Array<{
          line: number;
          label: string;
          column: string;
          value: number;
          score: number;
        }>;
      };
    };
    const totals = report.outliers.listed.filter((o) => o.column === 'total');
    expect(totals.map((o) => [o.line, o.label, o.value])).toEqual([
      [19, 'ORD-10018', 18960],
      [60, 'ORD-10059', 24310.5],
      [105, 'ORD-10104', 15875],
      [163, 'ORD-10162', 31200],
      [224, 'ORD-10223', 19440.75],
    ]);
    // The score is the modified z-score of the column's median and MAD (both in the report).
    const { median, mad } = report.outliers.columns.total!;
    expect(median).toBe(416.8);
    for (const o of totals) expect(o.score).toBeCloseTo((0.6745 * (o.value - median)) / mad, 1);
    // The same five rows, and no other, stand out in the derived average price.
    expect(new Set(report.outliers.listed.map((o) => o.label))).toEqual(
      new Set(totals.map((o) => o.label)),
    );
  });

  it('reads decimal commas and semicolons when the nodes declare de-DE', async () => {
    const graph: GraphDef = {
      ...dataPipelineGraph,
      nodes: dataPipelineGraph.nodes.map((n) =>
        n.id === 'load'
          ? { ...n, config: { ...n.config, delimiter: ';' } }
          : n.id === 'clean'
            ? { ...n, config: { locale: 'de-DE', dateFormats: ['DD.MM.YYYY'] } }
            : n,
      ),
    };
    const csv =
      'order_id;customer;country;order_date;quantity;unit_price;total;status\nORD-1;A;DE;05.03.2024;2;1.200,50;2.401,00;shipped\nORD-2;B;AT;31.02.2024;1;3,5;3,50;pending\n';
    const result = await runExample(graph, { csv });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.store).toMatchObject({ stored: 1, quarantined: { invalid_date: 1 } });
  });

  it('fails with a stable code when a declared column is missing or the file is outside the data folder', async () => {
    const missing = await runExample(dataPipelineGraph, { csv: 'order_id,total\nORD-1,5\n' });
    expect(missing.status).toBe('FAILED');
    expect(missing.error?.nodeId).toBe('load');
    expect(missing.error?.message).toMatch(
      /^MISSING_COLUMNS: inline has no column customer, country/,
    );
    const outside = await runExample(dataPipelineGraph, { file: '../../package.json' });
    expect(outside.error?.message).toMatch(/^SOURCE_OUTSIDE_DATA_DIR/);
    const absent = await runExample(dataPipelineGraph, { file: 'nope.csv' });
    expect(absent.error?.message).toMatch(/^SOURCE_NOT_FOUND/);
    const header = 'order_id,customer,country,order_date,quantity,unit_price,total,status';
    const unclosed = await runExample(dataPipelineGraph, { csv: `${header}\nORD-1,"Acme,DE\n` });
    expect(unclosed.error?.message).toMatch(/^SOURCE_INVALID: inline is not valid CSV: .*quote/i);
    expect(unclosed.error?.code).toBe('TOOL_FAILED');
    expect(unclosed.events.filter((e) => e.type === 'NODE_RETRYING')).toEqual([]);
  });

  it('refuses, when the graph is saved, an unknown locale, a bad date format and a non-pipeline table', () => {
    const graph: GraphDef = {
      ...dataPipelineGraph,
      nodes: dataPipelineGraph.nodes.map((n) =>
        n.id === 'clean'
          ? { ...n, config: { locale: 'not a locale', dateFormats: ['MM/YYYY'] } }
          : n.id === 'store'
            ? { ...n, config: { table: 'Run', key: ['order_id'] } }
            : n,
      ),
    };
    const result = compileGraph(graph, createBuiltinRegistry());
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/nodes\[1\]\.config.*locale/),
        expect.stringMatching(/nodes\[1\]\.config.*dateFormats/),
        expect.stringMatching(/nodes\[4\]\.config.*table/),
      ]),
    );
  });

  it('loads JSON lines from a file, quarantining a line that is not an object', async () => {
    const dir = mkdtempSync(join(work, 'data-'));
    writeFileSync(
      join(dir, 'orders.jsonl'),
      [
        '{"order_id":"ORD-1","customer":"A","country":"DE","order_date":"2024-01-02","quantity":2,"unit_price":5,"total":10,"status":"shipped"}',
        'not json',
        '{"order_id":"ORD-2","customer":null,"country":"FR","order_date":"2024-01-03","quantity":"3","unit_price":"1,000.00","total":"3,000.00","status":null}',
      ].join('\n'),
    );
    const registry = createBuiltinRegistry({
      exampleOptions: { dataPipeline: { dataDir: dir, workDir: work } },
    });
    const sink = createMemorySink();
    const result = await executeRun({
      runId: 'jsonl-1',
      graph: compileGraphOrThrow(dataPipelineGraph, registry),
      input: { file: 'orders.jsonl' },
      sink,
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.load).toMatchObject({
      read: 3,
      loaded: 2,
      quarantined: { invalid_json: 1 },
    });
    expect(result.state.store).toMatchObject({ stored: 2, inserted: 2 });
  });

  it('counts nothing twice when the store node is retried in the same run', async () => {
    const tools = createDataPipelineTools({ workDir: work });
    let state: State = {};
    for (const [i, tool] of tools.slice(0, 4).entries()) {
      const { patch } = await runTool(
        tool,
        { ...state, file: 'orders.csv' },
        {
          config: dataPipelineGraph.nodes[i]!.config,
        },
      );
      const dataset = { ...(state.dataset as object), ...(patch?.dataset as object) };
      state = { ...state, ...patch, dataset };
    }
    const store = tools[4]!;
    const config = dataPipelineGraph.nodes[4]!.config;
    const first = await runTool(store, state, { config });
    const retry = await runTool(store, state, { config, attempt: 2 });
    expect(first.patch?.store).toMatchObject({ stored: 232, inserted: 232, unchanged: 0 });
    expect(retry.patch?.store).toMatchObject({
      stored: 232,
      inserted: 0,
      updated: 0,
      unchanged: 232,
      quarantined: { duplicate_key: 3 },
    });
  });

  it('has one tool per stage', () => {
    expect(createDataPipelineTools().map((t) => t.name)).toEqual([
      'load_rows',
      'clean_rows',
      'transform_rows',
      'validate_rows',
      'store_rows',
      'pipeline_report',
    ]);
  });
});
