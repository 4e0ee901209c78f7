import type { ErrorInfo, GraphDef, RunEvent, State } from '../engine/index.js';
import type {
  GraphVersion as GraphVersionRow,
  RunEvent as RunEventRow,
  Run as RunRow,
} from '../generated/sqlite/client/client.js';
import type { GraphVersionRecord, RunRecord, RunStatus } from '../runs/ports.js';

/** Row -> record mappers shared by the stores (Prisma has already parsed JSON columns). */
export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    graphId: row.graphId,
    graphVersionId: row.graphVersionId,
    status: row.status as RunStatus,
    input: (row.input ?? {}) as State,
    state: (row.state ?? null) as State | null,
    error: (row.error ?? null) as ErrorInfo | null,
    lastSeq: row.lastSeq,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    recoveries: row.recoveries,
    concurrencyKey: row.concurrencyKey,
    held: row.held,
    parentRunId: row.parentRunId,
    parentSeq: row.parentSeq,
    origin: row.origin as RunRecord['origin'],
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
    ...(row.pauseRequestedAt ? { pauseRequested: true as const } : {}),
  };
}

export function toGraphVersionRecord(row: GraphVersionRow): GraphVersionRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    graphId: row.graphId,
    version: row.version,
    definition: row.definition as unknown as GraphDef,
  };
}

export function toRunEvent(row: RunEventRow): RunEvent {
  const event: Record<string, unknown> = {
    runId: row.runId,
    seq: row.seq,
    at: row.at.getTime(),
    type: row.type,
    data: row.data,
  };
  if (row.nodeId !== null) event.nodeId = row.nodeId;
  if (row.attempt !== null) event.attempt = row.attempt;
  if (row.traceId !== null) event.traceId = row.traceId;
  if (row.spanId !== null) event.spanId = row.spanId;
  return event as unknown as RunEvent;
}
