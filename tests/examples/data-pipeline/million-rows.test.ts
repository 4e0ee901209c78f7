/**
 * A million-row CSV through load, clean, transform and validate (the stages that touch every
 * row) in bounded memory: the file is streamed in chunks and the rows never sit in the state.
 * Asserts counts and the RSS growth bound; the rows/s figure is printed, never asserted.
 */

import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGraphOrThrow } from '../../../src/engine/compile.js';
import { createMemorySink } from '../../../src/engine/events.js';
import { executeRun } from '../../../src/engine/executor.js';
import type { GraphDef } from '../../../src/engine/graph.js';
import { dataPipelineGraph } from '../../../src/examples/data-pipeline/index.js';
import { createBuiltinRegistry } from '../../../src/tools/builtin.js';

const ROWS = 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'dp-million-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** "1,234.50": thousands separators as en-US writes them (toLocaleString is slow per row). */
function amount(value: number): string {
  const [whole, cents] = Math.abs(value).toFixed(2).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}.${cents}`;
}

/** Every 1,000th row has a date that does not exist, one in 5,000 a negative total. */
async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('order_id,customer,country,order_date,quantity,unit_price,total,status,notes\n');
  let text = '';
  for (let i = 1; i <= ROWS; i++) {
    const q = (i % 12) + 1;
    const price = 20 + (i % 97) + 0.25;
    const total = i % 5000 === 1 ? -1 : q * price;
    const date =
      i % 1000 === 0
        ? '2024-02-30'
        : `2024-0${(i % 6) + 1}-${String((i % 28) + 1).padStart(2, '0')}`;
    text += `ORD-${i},Customer ${i % 500}, DE ,${date},${q},${price.toFixed(2)},"${amount(total)}",shipped,\n`;
    if (i % 10_000 === 0) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

describe('data-pipeline on a million rows', () => {
  it('loads, cleans, transforms and validates 1,000,000 rows in bounded memory', {
    timeout: 600_000,
  }, async () => {
    const path = join(dir, 'million.csv');
    await writeCsv(path);
    const stages = new Set(['load', 'clean', 'transform', 'validate']);
    const graph: GraphDef = {
      ...dataPipelineGraph,
      nodes: dataPipelineGraph.nodes.filter((n) => stages.has(n.id)),
      edges: dataPipelineGraph.edges.filter((e) => stages.has(e.from) && stages.has(e.to)),
    };
    const registry = createBuiltinRegistry({
      exampleOptions: { dataPipeline: { dataDir: dir, workDir: dir } },
    });
    globalThis.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const started = performance.now();
    const result = await executeRun({
      runId: 'million',
      graph: compileGraphOrThrow(graph, registry),
      input: { file: 'million.csv' },
      sink: createMemorySink(),
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - base) / 2 ** 20;
    console.log(
      `data-pipeline, 1M rows (${(statSync(path).size / 2 ** 20).toFixed(0)} MB CSV): ${seconds.toFixed(1)} s, ${Math.round(ROWS / seconds)} rows/s through 4 stages, peak RSS growth ${growthMb.toFixed(0)} MB`,
    );
    expect(result.error).toBeUndefined();
    expect(result.state.load).toMatchObject({ read: ROWS, loaded: ROWS });
    expect(result.state.clean).toMatchObject({
      rows: ROWS - 1000,
      quarantined: { invalid_date: 1000 },
    });
    expect(result.state.validate).toEqual({
      rows: ROWS - 1200,
      quarantined: { schema_minimum: 200 },
    });
    expect(result.state.clean).toMatchObject({ changed: { trimmed: ROWS, nulls: 0 } });
    // The CSV alone is ~80 MB and its rows as objects several times that: holding them is far
    // above this bound.
    expect(growthMb).toBeLessThan(200);
  });
});
