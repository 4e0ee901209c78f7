import type { RunEvent } from '../engine/index.js';
import type { NewRun, NodeRow, RunPatch } from '../runs/ports.js';
import { type SqlDialect, selectColumns } from './sql-dialect.js';

/** The group commit's multi-row statements: each binds its rows as one JSON parameter. */
export const NEW_RUN_TYPES = [
  'text',
  'text',
  'text',
  'text',
  'text',
  'json',
  'text',
  'timestamp',
  'timestamp',
  'text',
  'bool',
  'text',
  'int',
  'text',
  'text',
] as const;
export const EVENT_TYPES = [
  'text',
  'int',
  'text',
  'text',
  'int',
  'timestamp',
  'json',
  'text',
  'text',
] as const;
export const NODE_TYPES = [
  'text',
  'text',
  'int',
  'int',
  'text',
  'int',
  'timestamp',
  'timestamp',
  'int',
  'json',
] as const;
export const RUN_TYPES = [
  'text',
  'int',
  'text',
  'json',
  'json',
  'timestamp',
  'timestamp',
  'int',
  'timestamp',
] as const;

export const NEW_RUN_COLUMNS = [
  'id',
  'tenantId',
  'graphId',
  'graphVersionId',
  'status',
  'input',
  'owner',
  'heartbeatAt',
  'createdAt',
  'concurrencyKey',
  'held',
  'parentRunId',
  'parentSeq',
  'origin',
  'traceparent',
];

/** `"a", "b", ...` */
export const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(', ');

export function insertRunsSql(d: SqlDialect): string {
  return `INSERT INTO "Run" (${quoted(NEW_RUN_COLUMNS)})
    SELECT ${selectColumns(d, NEW_RUN_TYPES)} FROM ${d.rowsFrom(1)}`;
}

export function newRunRow(d: SqlDialect, r: NewRun): unknown[] {
  const at = d.time(r.createdAt ?? Date.now());
  return [
    r.id,
    r.tenantId,
    r.graphId,
    r.graphVersionId,
    'QUEUED',
    r.input,
    r.owner,
    at,
    at,
    r.concurrencyKey ?? null,
    r.held === true,
    r.parentRunId ?? null,
    r.parentSeq ?? null,
    r.origin ?? null,
    r.traceparent ?? null,
  ];
}

export const EVENT_COLUMNS = [
  'runId',
  'seq',
  'type',
  'nodeId',
  'attempt',
  'at',
  'data',
  'traceId',
  'spanId',
];

/** `where`: an extra condition on the JSON rows `j` (the PostgreSQL commit's ownership fence). */
export function insertEventsSql(d: SqlDialect, where?: string): string {
  return `INSERT INTO "RunEvent" (${quoted(EVENT_COLUMNS)})
    SELECT ${selectColumns(d, EVENT_TYPES)} FROM ${d.rowsFrom(1)}${where ? ` WHERE ${where}` : ''}`;
}

export function eventRow(d: SqlDialect, e: RunEvent): unknown[] {
  const node = e as { nodeId?: string; attempt?: number; traceId?: string; spanId?: string };
  return [
    e.runId,
    e.seq,
    e.type,
    node.nodeId ?? null,
    node.attempt ?? null,
    d.time(e.at),
    e.data,
    node.traceId ?? null,
    node.spanId ?? null,
  ];
}

export const NODE_COLUMNS = [
  'runId',
  'nodeId',
  'iteration',
  'seq',
  'status',
  'attempts',
  'startedAt',
  'finishedAt',
  'durationMs',
  'error',
];

/** What an upsert of a node row changes on a row that exists. */
export const NODE_CONFLICT = `ON CONFLICT ("runId", "nodeId", "iteration") DO UPDATE SET
      "status" = excluded."status", "attempts" = excluded."attempts",
      "startedAt" = COALESCE("NodeExecution"."startedAt", excluded."startedAt"),
      "finishedAt" = excluded."finishedAt", "durationMs" = excluded."durationMs",
      "error" = excluded."error"`;

export function upsertNodesSql(d: SqlDialect, where = 'true'): string {
  return `INSERT INTO "NodeExecution" (${quoted(NODE_COLUMNS)})
    SELECT ${selectColumns(d, NODE_TYPES)} FROM ${d.rowsFrom(1)} WHERE ${where}
    ${NODE_CONFLICT}`;
}

export function nodeRow(d: SqlDialect, n: NodeRow): unknown[] {
  return [
    n.runId,
    n.nodeId,
    n.iteration,
    n.seq,
    n.status,
    n.attempts,
    d.time(n.startedAt),
    d.time(n.finishedAt),
    n.durationMs,
    n.error,
  ];
}

/** SQL: the run `r` belongs to a graph that is not paused (pauseGraph holds its new runs). */
export const NOT_PAUSED_GRAPH = (r: string) =>
  `NOT EXISTS (SELECT 1 FROM "Graph" g WHERE g."id" = ${r}."graphId" AND g."paused" = true)`;

export const RUN_COLUMNS = [
  'id',
  'lastSeq',
  'status',
  'state',
  'error',
  'startedAt',
  'finishedAt',
  'progressed',
  'wakeAt',
];

/** The SET list of a run update, over the patch's values `v(column)` (RUN_COLUMNS). */
export const runUpdateSet = (v: (column: string) => string) => `
      "lastSeq" = CASE WHEN ${v('lastSeq')} > "Run"."lastSeq" THEN ${v('lastSeq')} ELSE "Run"."lastSeq" END,
      "status" = COALESCE(${v('status')}, "Run"."status"),
      "state" = COALESCE(${v('state')}, "Run"."state"),
      "error" = COALESCE(${v('error')}, "Run"."error"),
      "startedAt" = COALESCE("Run"."startedAt", ${v('startedAt')}),
      "finishedAt" = COALESCE(${v('finishedAt')}, "Run"."finishedAt"),
      "recoveries" = CASE WHEN ${v('progressed')} = 1 THEN 0 ELSE "Run"."recoveries" END,
      "wakeAt" = CASE WHEN ${v('status')} = 'WAITING' THEN ${v('wakeAt')} ELSE "Run"."wakeAt" END,
      "owner" = CASE WHEN ${v('status')} = 'PAUSED' THEN NULL ELSE "Run"."owner" END`;

export function updateRunsSql(d: SqlDialect, where?: string): string {
  return `WITH v (${quoted(RUN_COLUMNS)}) AS (
      SELECT ${selectColumns(d, RUN_TYPES)} FROM ${d.rowsFrom(1)}
    )
    UPDATE "Run" SET ${runUpdateSet((c) => `v."${c}"`)}
    FROM v WHERE "Run"."id" = v."id"${where ? ` AND ${where}` : ''}`;
}

export function runRow(d: SqlDialect, r: RunPatch): unknown[] {
  return [
    r.id,
    r.lastSeq,
    r.status ?? null,
    r.state ?? null,
    r.error ?? null,
    d.time(r.startedAt ?? null),
    d.time(r.finishedAt ?? null),
    r.progressed ? 1 : 0,
    d.time(r.wakeAt ?? null),
  ];
}
