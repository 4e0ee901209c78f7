/**
 * The data-pipeline graph as a user runs it: seeded by the server, started over GraphQL with no
 * input (so on examples/data-pipeline/orders.csv), its rows stored in the server's own database
 * (SQLite, and PostgreSQL when reachable) and read back from the table with SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlRowStore } from '../../../src/examples/data-pipeline/index.js';
import { providerOf } from '../../../src/persistence/database.js';
import { createPrismaSqlClient } from '../../../src/persistence/prisma-sql-client.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { backends } from '../../helpers/databases.js';

interface RunView {
  status: string;
  state: Record<string, Record<string, unknown>>;
  error: { code: string; message: string } | null;
}

async function runPipeline(t: TestApp, input: Record<string, unknown> = {}): Promise<RunView> {
  const { graphByName } = await t.ok<{ graphByName: { id: string } }>(
    '{ graphByName(name: "data-pipeline") { id } }',
  );
  const { startRun } = await t.ok<{ startRun: { id: string } }>(
    'mutation ($id: ID!, $input: JSON) { startRun(graphId: $id, input: $input) { id } }',
    { id: graphByName.id, input },
  );
  for (;;) {
    const { run } = await t.ok<{ run: RunView }>(
      'query ($id: ID!) { run(id: $id) { status state error { code message } } }',
      { id: startRun.id },
    );
    if (!['QUEUED', 'RUNNING'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const OUTLIERS = ['ORD-10018', 'ORD-10059', 'ORD-10104', 'ORD-10162', 'ORD-10223'];

for (const { name, skip } of await backends()) {
  describe.skipIf(skip !== null)(`data-pipeline on ${name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ backend: name });
    });
    afterAll(() => t?.close());

    const sql = <T>(query: string) => t.app.db.prisma.$queryRawUnsafe<T[]>(query);
    const countRows = async () =>
      Number((await sql<{ n: unknown }>('SELECT COUNT(*) AS n FROM pipeline_orders'))[0]?.n);

    it('stores the cleaned orders, quarantines the bad ones with reasons, finds the 5 outliers', async () => {
      const run = await runPipeline(t);
      expect(run.error).toBeNull();
      expect(run.status).toBe('SUCCEEDED');
      const rows = await sql<Record<string, unknown>>(
        `SELECT order_id, customer, country, CAST(order_date AS TEXT) AS order_date, CAST(quantity AS INTEGER) AS quantity, total, avg_price, status FROM pipeline_orders ORDER BY order_id`,
      );
      expect(rows).toHaveLength(232);
      // SQLite integers come back as BigInt through Prisma's raw queries.
      const byId = new Map(
        rows.map((r): [unknown, Record<string, unknown>] => [
          r.order_id,
          { ...r, quantity: Number(r.quantity) },
        ]),
      );
      // "18,960.00" in the file: the value the old pipeline dropped.
      expect(byId.get('ORD-10018')).toMatchObject({
        total: 18960,
        quantity: 8,
        avg_price: 2370,
        order_date: '2024-06-03',
      });
      // Trimmed, N/A read as null, MM/DD/YYYY written as ISO.
      expect(byId.get('ORD-10006')).toMatchObject({
        customer: 'Tulip Trading',
        status: 'returned',
      });
      expect(byId.get('ORD-10003')?.country).toBeNull();
      expect(byId.get('ORD-10004')).toMatchObject({ order_date: '2024-03-27', total: 214.26 });
      const quarantined = await sql<{
        line: number;
        stage: string;
        reason: string;
        detail: string;
      }>(
        `SELECT "_line" AS line, stage, reason, detail FROM pipeline_orders_quarantine ORDER BY "_line"`,
      );
      expect(quarantined.map((q) => [Number(q.line), q.stage, q.reason])).toEqual([
        [32, 'clean', 'invalid_date'],
        [79, 'clean', 'invalid_date'],
        [122, 'clean', 'invalid_integer'],
        [142, 'validate', 'schema_type'],
        [152, 'validate', 'schema_minimum'],
        [192, 'transform', 'derive_failed'],
        [202, 'clean', 'invalid_number'],
        [212, 'validate', 'schema_type'],
        [242, 'load', 'ragged_row'],
        [243, 'store', 'duplicate_key'],
        [244, 'store', 'duplicate_key'],
        [245, 'store', 'duplicate_key'],
      ]);
      expect(quarantined.find((q) => Number(q.line) === 152)?.detail).toBe('total must be >= 0');
      expect(quarantined.find((q) => Number(q.line) === 243)?.detail).toBe(
        'same order_id as line 7',
      );
      const report = run.state.report as {
        counts: Record<string, unknown>;
        outliers: { listed: Array<{ label: string; column: string }> };
      };
      expect(report.counts).toMatchObject({
        read: 244,
        stored: 232,
        inserted: 232,
        updated: 0,
        quarantined: 12,
      });
      const totals = report.outliers.listed.filter((o) => o.column === 'total').map((o) => o.label);
      expect(totals).toEqual(OUTLIERS);
      expect(new Set(report.outliers.listed.map((o) => o.label))).toEqual(new Set(OUTLIERS));
    });

    it('stores no duplicate when the same file runs again, and updates a changed row', async () => {
      const again = await runPipeline(t);
      expect(again.state.store).toMatchObject({
        stored: 232,
        inserted: 0,
        updated: 0,
        unchanged: 232,
      });
      expect(await countRows()).toBe(232);
      const csv =
        'order_id,order_date,quantity,unit_price,total,customer,country,status\nORD-10001,2024-06-26,5,49.08,"1,000.50",Café Lumière,Italy,delivered\nORD-20001,2024-07-01,1,9.99,9.99,New Co,Spain,pending\n';
      const changed = await runPipeline(t, { csv });
      expect(changed.state.store).toMatchObject({
        stored: 2,
        inserted: 1,
        updated: 1,
        unchanged: 0,
      });
      const [row] = await sql<{ total: number }>(
        `SELECT total FROM pipeline_orders WHERE order_id = 'ORD-10001'`,
      );
      expect(row?.total).toBe(1000.5);
      expect(await countRows()).toBe(233);
    });

    it('refuses to store into an existing table that lacks a declared column (TABLE_MISMATCH)', async () => {
      await t.app.db.prisma.$executeRawUnsafe(
        'CREATE TABLE pipeline_legacy ("_key" TEXT PRIMARY KEY, total REAL)',
      );
      const store = createSqlRowStore(createPrismaSqlClient(providerOf(t.db.url), () => t.app.db));
      await expect(
        store.prepare({
          name: 'pipeline_legacy',
          quarantine: 'pipeline_legacy_quarantine',
          columns: [
            ['total', 'number'],
            ['order_id', 'string'],
          ],
        }),
      ).rejects.toThrow(
        /^TABLE_MISMATCH: table pipeline_legacy exists without the columns _hash, _run_id, _line, _source, order_id/,
      );
    });
  });
}
