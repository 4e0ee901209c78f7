import type { RunEvent, State } from '../engine/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GraphVersions } from './graph-versions.js';
import type { ClaimedRun, HeldRunStore, RunRecord, RunStore } from './ports.js';
import type { Job } from './run-pool.js';

/** The end of a run cancelled before it started (queued here, or held). */
export function cancelledBeforeStart(
  runId: string,
  seq: number,
  reason: string,
  input: State,
): RunEvent {
  return {
    runId,
    seq,
    at: Date.now(),
    type: 'RUN_CANCELLED',
    data: { reason: `${reason} before it started`, state: input },
  };
}

/** What a start does while an older run with its concurrency key is active. */
export type OnConflict = 'enqueue' | 'reject' | 'cancel_older';
export const ON_CONFLICT: readonly OnConflict[] = ['enqueue', 'reject', 'cancel_older'];

/** A run's concurrency key (already scoped: `graph:<id>:<value>`, `schedule:<id>`) and policy. */
export interface ConcurrencyRule {
  key: string;
  onConflict: OnConflict;
}

export interface ConcurrencyDeps {
  held: HeldRunStore;
  store: RunStore;
  versions: GraphVersions;
  logger: Logger;
  owner: string;
  /** Hands a released run to this process's pool (and its local records). */
  enqueue(record: RunRecord, job: Job): void;
  /** Cancels an active run wherever it executes (the run service's cancel). */
  cancel(run: RunRecord): Promise<unknown>;
  /** Records RUN_CANCELLED for a held run this process just took; resolves once stored. */
  cancelTaken(run: RunRecord, reason: string): Promise<void>;
}

/**
 * Runs with a concurrency key are stored `held` (QUEUED, not executed) and released one at a
 * time: a run is released when no other active run with its key is running or waiting ahead of
 * it (one conditional statement, see HeldRunStore). Releases happen at once after a start, when
 * a run with the key ends in this process, and on every server's periodic sweep (so after a
 * restart, or when the older run ended on another server, the next one still starts).
 */
export function createConcurrency(deps: ConcurrencyDeps) {
  const { held, store, versions, logger, owner } = deps;

  function jobOf({ run, version }: ClaimedRun): Job {
    return {
      runId: run.id,
      graphId: run.graphId,
      graph: versions.compile(version),
      input: run.input,
      history: [],
    };
  }

  async function releaseReady(limit: number, key?: string): Promise<number> {
    let released = 0;
    for (const claim of await held.ready(limit, key)) {
      if (!(await held.release(claim.run.id, owner))) continue;
      const record = { ...claim.run, held: false, pinnedVersion: claim.version.version };
      deps.enqueue(record, jobOf(claim));
      released++;
    }
    return released;
  }

  /** Cancels a held run (taken out of its wait first); false when it was not held any more. */
  async function cancelHeld(runId: string, reason: string): Promise<boolean> {
    if (!(await held.take(runId, owner))) return false;
    const run = await store.getRun(runId);
    if (run) await deps.cancelTaken(run, reason);
    return true;
  }

  return {
    cancelHeld,

    /**
     * A new run stored held: released now when nothing is ahead of it; otherwise `enqueue`
     * leaves it waiting, `reject` deletes it and throws CONCURRENCY_LIMIT, `cancel_older`
     * cancels the runs ahead (it is released when they end).
     */
    async admit(record: RunRecord, job: Job, onConflict: OnConflict): Promise<RunRecord> {
      if (await held.release(record.id, owner)) {
        const released = { ...record, held: false };
        deps.enqueue(released, job);
        return released;
      }
      const key = record.concurrencyKey as string;
      if (onConflict === 'reject') {
        // Deleted only while held: a sweep elsewhere may have released it meanwhile (then it runs).
        if (!(await held.discard(record.id))) return { ...record, held: false };
        throw new AppError(
          'CONCURRENCY_LIMIT',
          `A run with concurrency key "${key}" is already active (its policy is reject); wait for it to end, cancel it, or start with another input.`,
          { concurrencyKey: key },
        );
      }
      if (onConflict === 'cancel_older') {
        for (const older of await held.olderActive(key, record.id)) {
          if (older.held && (await cancelHeld(older.id, 'cancelled by a newer run'))) continue;
          const run = await store.getRun(older.id);
          if (run)
            void deps
              .cancel(run)
              .catch((err) =>
                logger.warn('could not cancel an older run', { runId: older.id, err }),
              );
        }
      }
      return record;
    },

    /** A run with this key ended here: release the next one at once. */
    kick(key: string): void {
      releaseReady(1, key).catch((err) =>
        logger.warn('could not release a held run', { key, err }),
      );
    },

    /** Releases held runs that nothing waits ahead of any more (every server, periodically). */
    sweep: (limit = 50) => releaseReady(limit),
  };
}
