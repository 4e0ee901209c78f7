/**
 * Workload 4, durable: the pipeline with every event persisted (durable-ours.ts), on a fresh
 * SQLite file, and on a fresh PostgreSQL database when one answers; runs one after another and
 * ~1,000 in flight. Beside it, in the same rounds: LangGraph's SqliteSaver (in its own process)
 * and the drivers' floors (durable-floor.ts), so the targets of issue 16 are ratios measured
 * side by side.
 */
import { join } from 'node:path';
import { eventsPerRun, PIPELINE_NODES } from '../graphs.js';
import type { SaverSample, SaverSetup } from '../langgraph/sqlite-saver.child.js';
import { type BenchDatabase, tempPostgres, tempSqlite } from '../lib/databases.js';
import { int } from '../lib/format.js';
import { row } from '../lib/result.js';
import { type RemoteContender, sampleIn } from '../lib/sampler.js';
import { alternate, type Contender } from '../lib/timing.js';
import { type Settings, size, type Workload } from '../lib/workload.js';
import { postgresFloor, sqliteFloor } from './durable-floor.js';
import { type CommitShape, type DurableSample, ours } from './durable-ours.js';

const SAVER_CHILD = join(import.meta.dirname, '..', 'langgraph', 'sqlite-saver.child.ts');
const SYNC_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

/** LangGraph's SqliteSaver in its own process. */
async function saver(runs: number, width: number) {
  const setup: SaverSetup = { type: 'setup', runs, width };
  const remote: RemoteContender<SaverSample> = await sampleIn<SaverSample>(SAVER_CHILD, setup);
  let synchronous: number | undefined;
  const contender: Contender<DurableSample> = {
    sample: async () => {
      const s = await remote.sample();
      synchronous = s.synchronous;
      return s;
    },
  };
  return { contender, close: () => remote.close(), synchronous: () => synchronous };
}

/** A floor as a contender, writing batches the size our group commit wrote last. */
const floor = (
  write: (batch: number) => Promise<{ rows: number }>,
  shape: CommitShape,
): Contender<DurableSample> => ({
  sample: async () => ({
    nodes: Number.NaN,
    rows: (await write(shape.medianEvents || 1_000)).rows,
  }),
});

/** ours[i] / theirs[i] for the samples of one round each. */
const perRound = (a: number[], b: number[]) => a.map((x, i) => x / (b[i] ?? Number.NaN));

export const durable: Workload = {
  name: 'durable',
  async run(s: Settings) {
    const runs = size(s, 5_000, 1_000);
    const width = 1_000;
    const seqRuns = size(s, 500, 100);
    const lgRuns = size(s, 100, 50);
    const lgSeq = size(s, 50, 20);
    const pg = s.postgres.unavailable === null;
    const sqliteShape: CommitShape = { medianEvents: 0, commits: 0 };
    const pgShape: CommitShape = { medianEvents: 0, commits: 0 };
    const sqlite = async () => tempSqlite();
    const postgres = () => tempPostgres(s.postgres.adminUrl);

    s.log(`durable: ${int(seqRuns)} runs one after another, SQLite, beside SqliteSaver`);
    const lgOne = await saver(lgSeq, 1);
    const one = await alternate<DurableSample>(
      { sqlite: ours(sqlite, seqRuns, 1), langgraph: lgOne.contender },
      s.reps,
    ).finally(() => lgOne.close());

    s.log(
      `durable: ${int(runs)} runs, ${int(width)} in flight, SQLite${pg ? ' and PostgreSQL' : ''}, beside the floors`,
    );
    const lgMany = await saver(lgRuns, Math.min(width, lgRuns));
    const many = await alternate<DurableSample>(
      {
        sqlite: ours(sqlite, runs, width, sqliteShape),
        sqliteFloor: floor(async (b) => {
          const db = tempSqlite();
          try {
            return await sqliteFloor(db, runs, b);
          } finally {
            await db.drop();
          }
        }, sqliteShape),
        langgraph: lgMany.contender,
        postgresql: pg ? ours(postgres, runs, width, pgShape) : undefined,
        postgresFloor: pg
          ? floor(async (b) => withDatabase(postgres, (db) => postgresFloor(db, runs, b)), pgShape)
          : undefined,
      },
      s.reps,
    ).finally(() => lgMany.close());

    const nodes = (x: Record<string, DurableSample[]>, k: string) =>
      x[k]?.map((v) => v.nodes) ?? [];
    const stored = (x: Record<string, DurableSample[]>, k: string) =>
      x[k]?.map((v) => v.rows) ?? [];
    const seqCase = `SQLite: ${int(seqRuns)} runs one after another`;
    const ourCase = `${int(runs)} runs, ${int(width)} in flight`;
    const lgCase = `SqliteSaver, ${int(lgRuns)} runs all in flight`;
    const floorNote = (shape: CommitShape) =>
      `same rows, batches of ${int(shape.medianEvents)} events (our median commit)`;
    const rows = [
      row({
        workload: 'durable',
        case: seqCase,
        metric: 'node exec/s',
        ours: nodes(one, 'sqlite'),
        langgraph: nodes(one, 'langgraph'),
        langgraphCase: `SqliteSaver, ${int(lgSeq)} runs one after another`,
        target: { op: '>=', value: 10_000 },
      }),
      row({
        workload: 'durable',
        case: seqCase,
        metric: 'x SqliteSaver (node exec/s)',
        ours: perRound(nodes(one, 'sqlite'), nodes(one, 'langgraph')),
        target: { op: '>=', value: 20 },
        note: 'per round, ours / LangGraph',
      }),
      row({
        workload: 'durable',
        case: `SQLite: ${ourCase}`,
        metric: 'node exec/s',
        ours: nodes(many, 'sqlite'),
        langgraph: nodes(many, 'langgraph'),
        langgraphCase: lgCase,
        target: { op: '>=', value: 30_000 },
      }),
      row({
        workload: 'durable',
        case: `SQLite: ${ourCase}`,
        metric: 'rows stored/s',
        ours: stored(many, 'sqlite'),
        langgraph: stored(many, 'langgraph'),
        langgraphCase: `${lgCase} (checkpoints + writes rows)`,
        note: `ours: RunEvent rows, ${eventsPerRun(PIPELINE_NODES)} per run`,
      }),
      row({
        workload: 'durable',
        case: `SQLite floor: better-sqlite3 prepared multi-row INSERT, ${int(runs * eventsPerRun(PIPELINE_NODES))} RunEvent rows`,
        metric: 'rows stored/s',
        ours: stored(many, 'sqliteFloor'),
        note: floorNote(sqliteShape),
      }),
      row({
        workload: 'durable',
        case: `SQLite: ${ourCase}`,
        metric: 'share of the SQLite floor (rows/s)',
        ours: perRound(stored(many, 'sqlite'), stored(many, 'sqliteFloor')),
        target: { op: '>=', value: 0.7 },
        note: 'per round, ours / floor',
      }),
    ];
    if (pg)
      rows.push(
        row({
          workload: 'durable',
          case: `PostgreSQL: ${ourCase}`,
          metric: 'node exec/s',
          ours: nodes(many, 'postgresql'),
          target: { op: '>=', value: 10_000 },
        }),
        row({
          workload: 'durable',
          case: `PostgreSQL: ${ourCase}`,
          metric: 'rows stored/s',
          ours: stored(many, 'postgresql'),
          note: 'RunEvent rows',
        }),
        row({
          workload: 'durable',
          case: `PostgreSQL floor: pg multi-row INSERT, one round trip per batch, ${int(runs * eventsPerRun(PIPELINE_NODES))} RunEvent rows`,
          metric: 'rows stored/s',
          ours: stored(many, 'postgresFloor'),
          note: floorNote(pgShape),
        }),
        row({
          workload: 'durable',
          case: `PostgreSQL: ${ourCase}`,
          metric: 'share of the PostgreSQL floor (rows/s)',
          ours: perRound(stored(many, 'postgresql'), stored(many, 'postgresFloor')),
          target: { op: '>=', value: 0.6 },
          note: 'per round, ours / floor',
        }),
      );
    const sync = SYNC_NAMES[lgMany.synchronous() ?? -1] ?? '?';
    return {
      rows,
      notes: [
        `durable: every run's ${eventsPerRun(PIPELINE_NODES)} events are stored (group commit) before waitFor resolves; each measurement counts the RunEvent rows afterwards and checks every run SUCCEEDED. A fresh database per measurement. Ours: SQLite WAL, synchronous=NORMAL.`,
        `durable: LangGraph (its own process) runs ${int(lgRuns)} runs in flight and ${int(lgSeq)} one after another per measurement (fewer, to keep the bench short); its figures are per-node rates, comparable. SqliteSaver: WAL, synchronous=${sync} (its default), durability "async" (LangGraph's default); every run's final counter checked.`,
        `durable: the floors (durable-floor.ts) store the events of a real pipeline run, copied for ${int(runs)} runs and interleaved as runs in flight emit them, into our own schema (migrations, foreign keys on) on a fresh database, in batches the size of our median commit in the same round (SQLite ${int(sqliteShape.medianEvents)} events over ${int(sqliteShape.commits)} commits${pg ? `; PostgreSQL ${int(pgShape.medianEvents)} over ${int(pgShape.commits)}` : ''}); the stored rows are counted. Ours also writes the Run rows, their updates and NodeExecution rows in each commit: the floor is events alone.`,
        pg
          ? 'durable: PostgreSQL has no LangGraph counterpart here (no PostgreSQL checkpointer installed).'
          : `durable: PostgreSQL skipped: ${s.postgres.unavailable}`,
      ],
    };
  },
};

async function withDatabase<T>(
  open: () => Promise<BenchDatabase>,
  use: (db: BenchDatabase) => Promise<T>,
): Promise<T> {
  const db = await open();
  try {
    return await use(db);
  } finally {
    await db.drop();
  }
}
