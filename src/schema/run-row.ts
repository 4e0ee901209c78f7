import type { Run as RunRow } from '../generated/sqlite/client/client.js';
import type { RunRecord } from '../runs/ports.js';

/** Marks the rows asRow made (a relation of one is read once for all who resolve it). */
const HELD = Symbol('held run row');

/** A Run parent built from a record the run service holds (not read from the database). */
export type HeldRunRow = RunRow & { graphVersion?: { version: number }; [HELD]?: true };

/** One row per record: every subscriber of an update resolves the same object. */
const rows = new WeakMap<RunRecord, HeldRunRow>();
/** Reads made for a held row, by what they read: made on the first read (most rows have none). */
const reads = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * A run record the service already holds, as the parent of Run's fields: its scalars answer at
 * once, and relations a client asks for are loaded once per record (`sharedRead`), so startRun,
 * cancelRun and runUpdated do not read back the row they have, and an update read by 1,000
 * subscribers is one read, not 1,000. Built field by field: no object rest or spread of the
 * record (V8 copies those through a slow runtime path), and once per record.
 */
export function asRow(run: RunRecord): HeldRunRow {
  const known = rows.get(run);
  if (known) return known;
  const row: HeldRunRow = {
    id: run.id,
    tenantId: run.tenantId,
    graphId: run.graphId,
    graphVersionId: run.graphVersionId,
    status: run.status,
    input: run.input as RunRow['input'],
    state: run.state as RunRow['state'],
    error: run.error as RunRow['error'],
    lastSeq: run.lastSeq,
    owner: null,
    heartbeatAt: null,
    cancelRequestedAt: null,
    pauseRequestedAt: null,
    recoveries: run.recoveries ?? 0,
    concurrencyKey: run.concurrencyKey ?? null,
    parentRunId: run.parentRunId ?? null,
    parentSeq: run.parentSeq ?? null,
    origin: run.origin ?? null,
    held: run.held ?? false,
    wakeAt: null,
    answers: null,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    traceparent: run.traceparent ?? null,
    compactedAt: null,
    [HELD]: true,
  };
  if (run.pinnedVersion !== undefined) row.graphVersion = { version: run.pinnedVersion };
  rows.set(run, row);
  return row;
}

/**
 * `load()` once per held row and `key` (what is read, with the selection asked for); rows read
 * from the database (not from asRow) load every time, as they are one request's own. A failed
 * read is forgotten, so the next resolver tries again.
 */
export function sharedRead<T>(row: object, key: string, load: () => Promise<T>): Promise<T> {
  if ((row as HeldRunRow)[HELD] !== true) return load();
  let cache = reads.get(row);
  if (!cache) {
    cache = new Map();
    reads.set(row, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit as Promise<T>;
  const read = load();
  cache.set(key, read);
  read.catch(() => {
    if (cache.get(key) === read) cache.delete(key);
  });
  return read;
}
