import type { RunEvent } from '../engine/index.js';
import type { NewRun, NodeRow, RunPatch } from '../runs/ports.js';
import { type SqlDialect, selectColumns } from './sql-dialect.js';

/** The group commit's multi-row statements: each binds its rows as one JSON parameter. */
const NEW_RUN_TYPES = [
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
const EVENT_TYPES = [
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
const NODE_TYPES = [
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
const RUN_TYPES = [
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

export function insertRunsSql(d: SqlDialect): string {
  return `INSERT INTO "Run" ("id", "tenantId", "graphId", "graphVersionId", "status", "input", "owner", "heartbeatAt", "createdAt", "concurrencyKey", "held", "parentRunId", "parentSeq", "origin", "traceparent")
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

export function insertEventsSql(d: SqlDialect): string {
  return `INSERT INTO "RunEvent" ("runId", "seq", "type", "nodeId", "attempt", "at", "data", "traceId", "spanId")
    SELECT ${selectColumns(d, EVENT_TYPES)} FROM ${d.rowsFrom(1)}`;
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

export function upsertNodesSql(d: SqlDialect): string {
  return `INSERT INTO "NodeExecution" ("runId", "nodeId", "iteration", "seq", "status", "attempts", "startedAt", "finishedAt", "durationMs", "error")
    SELECT ${selectColumns(d, NODE_TYPES)} FROM ${d.rowsFrom(1)} WHERE true
    ON CONFLICT ("runId", "nodeId", "iteration") DO UPDATE SET
      "status" = excluded."status", "attempts" = excluded."attempts",
      "startedAt" = COALESCE("NodeExecution"."startedAt", excluded."startedAt"),
      "finishedAt" = excluded."finishedAt", "durationMs" = excluded."durationMs",
      "error" = excluded."error"`;
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

export function updateRunsSql(d: SqlDialect): string {
  return `WITH v ("id", "lastSeq", "status", "state", "error", "startedAt", "finishedAt", "progressed", "wakeAt") AS (
      SELECT ${selectColumns(d, RUN_TYPES)} FROM ${d.rowsFrom(1)}
    )
    UPDATE "Run" SET
      "lastSeq" = CASE WHEN v."lastSeq" > "Run"."lastSeq" THEN v."lastSeq" ELSE "Run"."lastSeq" END,
      "status" = COALESCE(v."status", "Run"."status"),
      "state" = COALESCE(v."state", "Run"."state"),
      "error" = COALESCE(v."error", "Run"."error"),
      "startedAt" = COALESCE("Run"."startedAt", v."startedAt"),
      "finishedAt" = COALESCE(v."finishedAt", "Run"."finishedAt"),
      "recoveries" = CASE WHEN v."progressed" = 1 THEN 0 ELSE "Run"."recoveries" END,
      "wakeAt" = CASE WHEN v."status" = 'WAITING' THEN v."wakeAt" ELSE "Run"."wakeAt" END,
      "owner" = CASE WHEN v."status" = 'PAUSED' THEN NULL ELSE "Run"."owner" END
    FROM v WHERE "Run"."id" = v."id"`;
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
