/**
 * The data-pipeline example on a generated CSV, every stage, rows stored in a real database:
 * SQLite (a file, through the app's Prisma client as the server does) or PostgreSQL with
 * DATABASE_URL=postgresql://... Prints seconds per stage, rows/s and peak RSS growth.
 *
 *   npx tsx bench/data-pipeline.ts [rows=1000000]
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGraphOrThrow } from '../src/engine/compile.js';
import { createMemorySink } from '../src/engine/events.js';
import { executeRun } from '../src/engine/executor.js';
import { dataPipelineGraph } from '../src/examples/data-pipeline/index.js';
import { openDatabase } from '../src/persistence/database.js';
import { createPrismaSqlClient } from '../src/persistence/prisma-sql-client.js';
import { createBuiltinRegistry } from '../src/tools/builtin.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'bench-dp-'));
const url = process.env.DATABASE_URL ?? `file:${join(dir, 'bench.db')}`;

async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  out.write('order_id,customer,country,order_date,quantity,unit_price,total,status,notes\n');
  let text = '';
  for (let i = 1; i <= rows; i++) {
    const q = (i % 12) + 1;
    const price = 20 + (i % 97) + 0.25;
    const [whole, cents] = (q * price).toFixed(2).split('.') as [string, string];
    const total = `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents}`;
    text += `ORD-${i},Customer ${i % 500}, DE ,2024-0${(i % 6) + 1}-${String((i % 28) + 1).padStart(2, '0')},${q},${price.toFixed(2)},"${total}",shipped,\n`;
    if (i % 10_000 === 0) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
}

const csv = join(dir, 'orders.csv');
await writeCsv(csv);
const db = await openDatabase(url);
const sql = createPrismaSqlClient(db.provider, () => db);
try {
  await sql.execute('DROP TABLE IF EXISTS pipeline_orders');
  await sql.execute('DROP TABLE IF EXISTS pipeline_orders_quarantine');
  const registry = createBuiltinRegistry({
    exampleOptions: { dataPipeline: { sql, dataDir: dir, workDir: dir } },
  });
  const graph = compileGraphOrThrow(dataPipelineGraph, registry);
  for (const round of ['first run', 're-run']) {
    const sink = createMemorySink();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const started = performance.now();
    const result = await executeRun({
      runId: `bench-${round}`,
      graph,
      input: { file: 'orders.csv' },
      sink,
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (result.status !== 'SUCCEEDED')
      throw new Error(`run ${result.status}: ${result.error?.message}`);
    const startedAt = new Map<string, number>();
    const stages: string[] = [];
    for (const e of sink.events) {
      if (e.type === 'NODE_STARTED') startedAt.set(e.nodeId, e.at);
      if (e.type === 'NODE_SUCCEEDED')
        stages.push(`${e.nodeId} ${((e.at - startedAt.get(e.nodeId)!) / 1000).toFixed(1)} s`);
    }
    console.log(
      `${db.provider}, ${rows} rows (${(statSync(csv).size / 2 ** 20).toFixed(0)} MB), ${round}: ${seconds.toFixed(1)} s, ${Math.round(rows / seconds)} rows/s, peak RSS growth ${((peak - base) / 2 ** 20).toFixed(0)} MB; ${stages.join(', ')}`,
    );
    console.log(`  ${result.state.summary}`);
  }
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
