/**
 * Workload 4, durable: the pipeline with every event persisted. Ours: the run service (group
 * commit) on a fresh SQLite file, and on a fresh PostgreSQL database when one answers, runs
 * started with app.runs.start (~1,000 in flight) and awaited with app.runs.waitFor. LangGraph:
 * the same graph with its SQLite checkpointer (SqliteSaver) on a temp file, a thread_id per run.
 */
import { eventsPerRun, PIPELINE_NODES, pipelineGraph } from '../graphs.js';
import { tempSqliteSaver } from '../langgraph/checkpointer.js';
import { langgraphPipeline } from '../langgraph/pipeline.js';
import { benchApp } from '../lib/app.js';
import { type BenchDatabase, tempPostgres, tempSqlite } from '../lib/databases.js';
import { int } from '../lib/format.js';
import { row } from '../lib/result.js';
import {
  alternate,
  type Contender,
  inFlight,
  perSecond,
  settleWithin,
  timed,
  withTimeout,
} from '../lib/timing.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

interface Sample {
  nodes: number;
  /** Rows stored per second: RunEvent rows (ours), checkpoints + writes rows (LangGraph). */
  rows: number;
}

/** One measurement on a fresh database: start `runs` runs, `width` in flight, await each. */
function ours(open: () => Promise<BenchDatabase>, runs: number, width: number): Contender<Sample> {
  return {
    sample: async () => {
      const db = await open();
      const app = await benchApp(db.url);
      try {
        const graph = await app.graphs.create(pipelineGraph());
        const ms = await withTimeout(
          timed(() =>
            inFlight(runs, width, async () => {
              const run = await app.runs.start(graph.id, {});
              await app.runs.waitFor(run.id);
            }),
          ),
          MEASUREMENT_TIMEOUT_MS,
          `durable (${db.url.split(':')[0]}): ${int(runs)} runs`,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; run service ${JSON.stringify(app.runs.stats())}`);
        });
        const events = await app.db.prisma.runEvent.count();
        const succeeded = await app.db.prisma.run.count({ where: { status: 'SUCCEEDED' } });
        if (succeeded !== runs || events !== runs * eventsPerRun(PIPELINE_NODES))
          throw new Error(`durable: ${succeeded}/${runs} runs succeeded, ${events} events stored`);
        return { nodes: perSecond(runs * PIPELINE_NODES, ms), rows: perSecond(events, ms) };
      } finally {
        await settleWithin(() => app.stop(), 15_000);
        await settleWithin(() => db.drop(), 15_000);
      }
    },
  };
}

/** Far above the few seconds a measurement takes: only a hung run service reaches it. */
const MEASUREMENT_TIMEOUT_MS = 120_000;

let synchronous: number | undefined;
const SYNC_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

function langgraph(runs: number, width: number): Contender<Sample> {
  let thread = 0;
  return {
    sample: async () => {
      const cp = tempSqliteSaver();
      try {
        const graph = langgraphPipeline(cp.saver);
        const ms = await timed(() =>
          inFlight(runs, width, async () => {
            const out = await graph.invoke(
              { counter: 0 },
              { configurable: { thread_id: `t${thread++}` } },
            );
            if (out.counter !== PIPELINE_NODES) throw new Error(`counter ${out.counter}`);
          }),
        );
        const { checkpoints, writes } = cp.rows();
        synchronous = cp.synchronous();
        return {
          nodes: perSecond(runs * PIPELINE_NODES, ms),
          rows: perSecond(checkpoints + writes, ms),
        };
      } finally {
        await cp.close();
      }
    },
  };
}

export const durable: Workload = {
  name: 'durable',
  async run(s: Settings) {
    const runs = size(s, 5_000, 1_000);
    const width = 1_000;
    const lgRuns = size(s, 100, 50);
    const pg = s.postgres.unavailable === null;
    s.log(
      `durable: ${int(runs)} runs, ${int(width)} in flight, SQLite${pg ? ' and PostgreSQL' : ''}`,
    );
    const samples = await alternate<Sample>(
      {
        sqlite: ours(async () => tempSqlite(), runs, width),
        langgraph: langgraph(lgRuns, Math.min(width, lgRuns)),
        postgresql: pg ? ours(() => tempPostgres(s.postgres.adminUrl), runs, width) : undefined,
      },
      s.reps,
    );
    const nodes = (k: string) => samples[k]?.map((x) => x.nodes) ?? [];
    const stored = (k: string) => samples[k]?.map((x) => x.rows) ?? [];
    const ourCase = `${int(runs)} runs, ${int(width)} in flight`;
    const lgCase = `SqliteSaver, ${int(lgRuns)} runs all in flight`;
    const rows = [
      row({
        workload: 'durable',
        case: `SQLite: ${ourCase}`,
        metric: 'node exec/s',
        ours: nodes('sqlite'),
        langgraph: nodes('langgraph'),
        langgraphCase: lgCase,
        target: { op: '>=', value: 30_000 },
      }),
      row({
        workload: 'durable',
        case: `SQLite: ${ourCase}`,
        metric: 'rows stored/s',
        ours: stored('sqlite'),
        langgraph: stored('langgraph'),
        langgraphCase: `${lgCase} (checkpoints + writes rows)`,
        note: `ours: RunEvent rows, ${eventsPerRun(PIPELINE_NODES)} per run`,
      }),
    ];
    if (pg)
      rows.push(
        row({
          workload: 'durable',
          case: `PostgreSQL: ${ourCase}`,
          metric: 'node exec/s',
          ours: nodes('postgresql'),
          target: { op: '>=', value: 10_000 },
        }),
        row({
          workload: 'durable',
          case: `PostgreSQL: ${ourCase}`,
          metric: 'rows stored/s',
          ours: stored('postgresql'),
          note: 'RunEvent rows',
        }),
      );
    return {
      rows,
      notes: [
        `durable: every run's ${eventsPerRun(PIPELINE_NODES)} events are stored (group commit) before waitFor resolves; each measurement counts the RunEvent rows afterwards and checks every run SUCCEEDED. A fresh database per measurement. Ours: SQLite WAL, synchronous=NORMAL.`,
        `durable: LangGraph runs ${int(lgRuns)} runs per measurement (it is ~${int(Math.round(runs / lgRuns))}x fewer to keep the bench short); its figures are per-node rates, comparable. SqliteSaver: WAL, synchronous=${SYNC_NAMES[synchronous ?? -1] ?? '?'} (its default), durability "async" (LangGraph's default).`,
        pg
          ? 'durable: PostgreSQL has no LangGraph counterpart here (no PostgreSQL checkpointer installed).'
          : `durable: PostgreSQL skipped: ${s.postgres.unavailable}`,
      ],
    };
  },
};
