import type { ClaimedRun, CommitBatch, NewRun, PostedAnswer, RunStore } from '../runs/ports.js';
import { ACTIVE_STATUSES } from '../runs/ports.js';
import type { Database } from './database.js';
import { createPostgresCommit } from './postgres-commit.js';
import { toGraphVersionRecord, toRunEvent, toRunRecord } from './records.js';
import {
  eventRow,
  insertEventsSql,
  insertRunsSql,
  NOT_PAUSED_GRAPH,
  newRunRow,
  nodeRow,
  runRow,
  updateRunsSql,
  upsertNodesSql,
} from './run-store-sql.js';
import { chunk, dialectFor } from './sql-dialect.js';
import { createSqliteCommit } from './sqlite-commit.js';

const ACTIVE = [...ACTIVE_STATUSES];
/** Active runs that execute (a WAITING run waits out of memory for an answer). */
const RUNNABLE = ['QUEUED', 'RUNNING'];
/** Events per insert statement (see commit). */
const EVENT_SLICE = 2_000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
const TX = { maxWait: 30_000, timeout: 60_000 };
/** A JSON column read by raw SQL: text on SQLite, parsed on PostgreSQL. */
const parseJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/**
 * RunStore over Prisma. Reads use the Prisma API; the hot write path (group commit of events)
 * uses multi-row SQL through `$executeRawUnsafe` inside one interactive transaction. Every write
 * goes through `$transaction`, which on SQLite is the adapter's single writer lock: no
 * SQLITE_BUSY between concurrent runs of one process.
 */
export function createPrismaRunStore(db: Database): RunStore {
  const { prisma } = db;
  const d = dialectFor(db.provider);
  const tx = <T>(fn: (client: typeof prisma) => Promise<T>) =>
    prisma.$transaction((t) => fn(t as typeof prisma), TX);
  // The group commit goes straight to the driver under Prisma's adapter once it is connected
  // (sqlite-commit.ts, postgres-commit.ts); through Prisma until then.
  let direct: { on: unknown; commit: RunStore['commit'] } | undefined;
  const directCommit = (): RunStore['commit'] | undefined => {
    const driver = db.driver?.();
    if (!driver) return undefined;
    const on = driver.provider === 'sqlite' ? driver.connection : driver.pool;
    if (direct?.on !== on)
      direct = {
        on,
        commit:
          driver.provider === 'sqlite'
            ? createSqliteCommit(driver.connection, () => driver.checkpointer.committed())
            : createPostgresCommit(driver.pool),
      };
    return direct.commit;
  };

  return {
    async createRun(run: NewRun) {
      const row = await tx((t) =>
        t.run.create({
          data: {
            id: run.id,
            tenantId: run.tenantId,
            graphId: run.graphId,
            graphVersionId: run.graphVersionId,
            status: 'QUEUED',
            input: run.input as object,
            owner: run.owner,
            heartbeatAt: new Date(),
          },
        }),
      );
      return toRunRecord(row);
    },

    async getRun(id) {
      const row = await prisma.run.findUnique({ where: { id } });
      return row ? toRunRecord(row) : null;
    },

    async getGraphVersion(id) {
      const row = await prisma.graphVersion.findUnique({ where: { id } });
      return row ? toGraphVersionRecord(row) : null;
    },

    async commit(input: CommitBatch, owner: string) {
      if (
        input.created.length === 0 &&
        input.events.length === 0 &&
        input.runs.length === 0 &&
        input.nodes.length === 0
      )
        return { lost: [] };
      const fast = directCommit();
      if (fast) return fast(input, owner);
      return tx(async (t) => {
        for (const part of chunk(input.created)) {
          await t.$executeRawUnsafe(
            insertRunsSql(d),
            JSON.stringify(part.map((r) => newRunRow(d, r))),
          );
        }
        // Fence: keep only runs this process still owns (locked until commit on PostgreSQL, so a
        // claim by another process waits for us, and we never write after it).
        const touched = [
          ...new Set([...input.events.map((e) => e.runId), ...input.runs.map((r) => r.id)]),
        ];
        const owned = new Set<string>();
        for (const part of chunk(touched)) {
          const rows = await t.$queryRawUnsafe<Array<{ id: string }>>(
            `SELECT "id" FROM "Run" WHERE "id" IN (${d.textsFrom(1)}) AND "owner" = ${d.param(2, 'text')} ${d.forUpdate}`,
            JSON.stringify(part),
            owner,
          );
          for (const r of rows) owned.add(r.id);
        }
        const lost = touched.filter((id) => !owned.has(id));
        const batch: CommitBatch =
          lost.length === 0
            ? input
            : {
                created: input.created,
                events: input.events.filter((e) => owned.has(e.runId)),
                nodes: input.nodes.filter((n) => owned.has(n.runId)),
                runs: input.runs.filter((r) => owned.has(r.id)),
              };
        // Events go in slices with a turn of the event loop between them: on SQLite a statement
        // runs synchronously, and one of tens of thousands of rows (a long loop's backlog) would
        // hold every request for hundreds of ms.
        const slices = chunk(batch.events, EVENT_SLICE);
        for (const [i, part] of slices.entries()) {
          if (i > 0) await yieldToLoop();
          await t.$executeRawUnsafe(
            insertEventsSql(d),
            JSON.stringify(part.map((e) => eventRow(d, e))),
          );
        }
        for (const part of chunk(batch.nodes)) {
          await t.$executeRawUnsafe(
            upsertNodesSql(d),
            JSON.stringify(part.map((n) => nodeRow(d, n))),
          );
        }
        for (const part of chunk(batch.runs)) {
          await t.$executeRawUnsafe(
            updateRunsSql(d),
            JSON.stringify(part.map((r) => runRow(d, r))),
          );
        }
        return { lost };
      });
    },

    async listEvents(runId, afterSeq, limit) {
      const rows = await prisma.runEvent.findMany({
        where: { runId, seq: { gt: afterSeq } },
        orderBy: { seq: 'asc' },
        take: limit,
      });
      return rows.map(toRunEvent);
    },

    async pageEvents(runId, page) {
      const rows = await prisma.runEvent.findMany({
        where: {
          runId,
          seq: {
            gt: page.afterSeq,
            ...(page.beforeSeq !== undefined ? { lt: page.beforeSeq } : {}),
          },
        },
        orderBy: { seq: page.fromEnd ? 'desc' : 'asc' },
        take: page.limit,
      });
      return rows.map(toRunEvent);
    },

    async claimOrphans(owner, staleBefore, limit, deadOwners = []) {
      const lock = d.provider === 'postgresql' ? 'FOR UPDATE SKIP LOCKED' : '';
      const now = Date.now();
      // The recovery count goes up in the claiming statement itself: a run that kills its
      // process before its first event is stored is still counted (see the run service).
      // A run of a paused graph that never started stays where it is (pauseGraph holds it).
      // WAITING runs are out of memory on purpose: taken only once their wakeAt passed (an
      // interrupt timed out), as RUNNING so no resumeRun claims them at the same time, and
      // without counting a recovery.
      const rows = await tx((t) =>
        t.$queryRawUnsafe<Array<{ id: string }>>(
          `UPDATE "Run" SET "owner" = ${d.param(1, 'text')}, "heartbeatAt" = ${d.param(2, 'timestamp')},
             "recoveries" = CASE WHEN "status" = 'WAITING' THEN "recoveries" ELSE "recoveries" + 1 END,
             "status" = CASE WHEN "status" = 'WAITING' THEN 'RUNNING' ELSE "status" END
           WHERE "id" IN (
             SELECT "id" FROM "Run"
             WHERE ("status" IN (${RUNNABLE.map((st) => `'${st}'`).join(', ')}) AND "held" = false
               AND ("owner" IS NULL OR "heartbeatAt" IS NULL OR "heartbeatAt" < ${d.param(3, 'timestamp')}
                 OR "owner" IN (${d.textsFrom(4)}))
               AND ("lastSeq" > 0 OR ${NOT_PAUSED_GRAPH('"Run"')}))
               OR ("status" = 'WAITING' AND "wakeAt" IS NOT NULL AND "wakeAt" <= ${d.param(5, 'timestamp')})
             ORDER BY "recoveries", "createdAt" LIMIT ${d.param(6, 'int')} ${lock}
           ) RETURNING "id"`,
          owner,
          d.time(now),
          d.time(staleBefore.getTime()),
          // SQLite numbers `?` by position: the parameters are in the order they appear.
          JSON.stringify(deadOwners),
          d.time(now),
          limit,
        ),
      );
      if (rows.length === 0) return [];
      const runs = await prisma.run.findMany({
        where: { id: { in: rows.map((r) => r.id) } },
        include: { graphVersion: true },
        orderBy: [{ recoveries: 'asc' }, { createdAt: 'asc' }],
      });
      return runs.map(
        (r): ClaimedRun => ({ run: toRunRecord(r), version: toGraphVersionRecord(r.graphVersion) }),
      );
    },

    async activeOwners() {
      const rows = await prisma.run.findMany({
        where: { status: { in: ACTIVE }, owner: { not: null } },
        distinct: ['owner'],
        select: { owner: true },
      });
      return rows.map((r) => r.owner as string);
    },

    async discardRun(runId) {
      const { count } = await tx((t) => t.run.deleteMany({ where: { id: runId, lastSeq: 0 } }));
      return count > 0;
    },

    async heartbeat(owner, now) {
      await tx((t) =>
        t.run.updateMany({
          where: { owner, status: { in: ACTIVE } },
          data: { heartbeatAt: now },
        }),
      );
      const asked = await prisma.run.findMany({
        where: {
          owner,
          status: { in: ACTIVE },
          cancelRequestedAt: { not: null },
        },
        select: { id: true },
      });
      return asked.map((r) => r.id);
    },

    async notOwned(owner, runIds) {
      const owned = new Set<string>();
      for (const part of chunk(runIds, 5_000)) {
        const rows = await prisma.run.findMany({
          where: { id: { in: part }, owner },
          select: { id: true },
        });
        for (const r of rows) owned.add(r.id);
      }
      return runIds.filter((id) => !owned.has(id));
    },

    async requestCancel(runId) {
      const { count } = await tx((t) =>
        t.run.updateMany({
          where: { id: runId, status: { in: ACTIVE } },
          data: { cancelRequestedAt: new Date() },
        }),
      );
      return count > 0;
    },

    async claimWaiting(runId, owner, from = 'WAITING') {
      const { count } = await tx((t) =>
        t.run.updateMany({
          where: { id: runId, status: from },
          data: { owner, heartbeatAt: new Date(), status: 'RUNNING', pauseRequestedAt: null },
        }),
      );
      if (count === 0) return null;
      const run = await prisma.run.findUnique({
        where: { id: runId },
        include: { graphVersion: true },
      });
      return run
        ? { run: toRunRecord(run), version: toGraphVersionRecord(run.graphVersion) }
        : null;
    },

    async requestPause(runId) {
      return tx(async (t) => {
        const { count } = await t.run.updateMany({
          where: { id: runId, status: { in: RUNNABLE } },
          data: { pauseRequestedAt: new Date() },
        });
        if (count === 0) return false;
        const row = await t.run.findUnique({ where: { id: runId }, select: { owner: true } });
        return row?.owner === null ? 'unowned' : 'asked';
      });
    },

    async takePauseRequests(owner) {
      return tx(async (t) => {
        const rows = await t.run.findMany({
          where: { owner, status: { in: RUNNABLE }, pauseRequestedAt: { not: null } },
          select: { id: true },
        });
        if (rows.length === 0) return [];
        const ids = rows.map((r) => r.id);
        await t.run.updateMany({ where: { id: { in: ids } }, data: { pauseRequestedAt: null } });
        return ids;
      });
    },

    async postAnswer(runId, answer) {
      return tx(async (t) => {
        const rows = await t.$queryRawUnsafe<Array<{ status: string; answers: unknown }>>(
          `SELECT "status", "answers" FROM "Run" WHERE "id" = ${d.param(1, 'text')} ${d.forUpdate}`,
          runId,
        );
        const row = rows[0];
        if (!row || !ACTIVE.includes(row.status as (typeof ACTIVE)[number])) return false;
        const list = parseJson(row.answers);
        await t.run.update({
          where: { id: runId },
          data: { answers: [...(Array.isArray(list) ? list : []), answer] as object[] },
        });
        return true;
      });
    },

    async takeAnswers(owner) {
      return tx(async (t) => {
        const rows = await t.$queryRawUnsafe<Array<{ id: string; answers: unknown }>>(
          `SELECT "id", "answers" FROM "Run" WHERE "owner" = ${d.param(1, 'text')}
             AND "answers" IS NOT NULL AND "status" IN (${ACTIVE.map((st) => `'${st}'`).join(', ')}) ${d.forUpdate}`,
          owner,
        );
        if (rows.length === 0) return [];
        await t.$executeRawUnsafe(
          `UPDATE "Run" SET "answers" = NULL WHERE "id" IN (${d.textsFrom(1)})`,
          JSON.stringify(rows.map((r) => r.id)),
        );
        return rows.map((r) => {
          const list = parseJson(r.answers);
          return { runId: r.id, answers: (Array.isArray(list) ? list : []) as PostedAnswer[] };
        });
      });
    },

    async handBack(runIds) {
      if (runIds.length === 0) return [];
      return tx(async (t) => {
        const where = { id: { in: [...runIds] }, status: 'QUEUED', lastSeq: 0, held: false };
        const rows = await t.run.findMany({ where, select: { id: true } });
        await t.run.updateMany({ where, data: { owner: null } });
        return rows.map((r) => r.id);
      });
    },

    async release(owner) {
      await tx((t) =>
        t.run.updateMany({
          where: { owner, status: { in: ACTIVE } },
          data: { owner: null },
        }),
      );
    },
  };
}
