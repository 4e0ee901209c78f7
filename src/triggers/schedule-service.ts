import type { State } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import type { Logger } from '../logger.js';
import type { ConcurrencyRule } from '../runs/concurrency.js';
import type { GraphStore } from '../runs/ports.js';
import type { RunService } from '../runs/run-service.js';
import { runInput } from '../runs/start-checks.js';
import { parseCron } from './cron.js';
import { OVERLAPS, type Overlap, type ScheduleRecord, type ScheduleStore } from './ports.js';

export interface ScheduleInput {
  cron: string;
  timezone?: string | null;
  input?: unknown;
  overlap?: Overlap | null;
}

export interface ScheduleServiceDeps {
  store: ScheduleStore;
  graphs: GraphStore;
  runs: Pick<RunService, 'start'>;
  logger: Logger;
  /** Epoch ms now; tests pass their own clock. */
  now?: () => number;
}

/** Overlap policies as the concurrency rules of the schedule's runs (one key per schedule). */
function ruleOf(schedule: ScheduleRecord): ConcurrencyRule {
  const onConflict = {
    SKIP: 'reject',
    ENQUEUE: 'enqueue',
    CANCEL_PREVIOUS: 'cancel_older',
  } as const;
  return { key: `schedule:${schedule.id}`, onConflict: onConflict[schedule.overlap] };
}

/**
 * Schedules: stored cron expressions that start runs of a graph. Every server ticks; a fire is
 * claimed by a conditional update of the stored next-fire time, so it happens once however many
 * servers see it due, and its run is started with an idempotency key made of the schedule id
 * and the fire time, so even a claim that lost its answer cannot start two runs. After downtime
 * only the earliest missed fire runs; the next is computed from now (at most one catch-up).
 */
export function createScheduleService(deps: ScheduleServiceDeps) {
  const { store, graphs, runs, logger } = deps;
  const now = deps.now ?? Date.now;

  async function owned(id: string, tenantId: string): Promise<ScheduleRecord> {
    const schedule = await store.get(id);
    if (!schedule || schedule.tenantId !== tenantId) throw notFound('Schedule', id);
    return schedule;
  }

  const nextOf = (s: Pick<ScheduleRecord, 'cron' | 'timezone'>, after: number): Date | null => {
    const parsed = parseCron(s.cron, s.timezone);
    return parsed.ok ? parsed.schedule.nextAfter(new Date(after)) : null;
  };

  async function fire(schedule: ScheduleRecord, at: number): Promise<'started' | 'skipped' | null> {
    const fireAt = schedule.nextFireAt;
    if (!fireAt) return null;
    const next = nextOf(schedule, at);
    if (!(await store.claimFire(schedule.id, fireAt, next))) return null;
    try {
      const run = await runs.start(schedule.graphId, schedule.input, schedule.tenantId, {
        idempotencyKey: `schedule:${schedule.id}:${fireAt.toISOString()}`,
        concurrency: ruleOf(schedule),
      });
      await store.setLastRun(schedule.id, run.id);
      return 'started';
    } catch (err) {
      if (err instanceof AppError && err.code === 'CONCURRENCY_LIMIT') {
        logger.info('schedule fire skipped: its previous run is still active', {
          scheduleId: schedule.id,
          fireAt,
        });
        return 'skipped';
      }
      // Given back: the next tick tries again (the idempotency key keeps it to one run).
      logger.warn('schedule fire failed; retried on the next tick', {
        scheduleId: schedule.id,
        err,
      });
      await store.unclaimFire(schedule.id, fireAt, next).catch(() => {});
      return null;
    }
  }

  return {
    async create(tenantId: string, graphId: string, input: ScheduleInput) {
      const graph = await graphs.get(graphId);
      if (!graph || graph.tenantId !== tenantId) throw notFound('Graph', graphId);
      const timezone = input.timezone ?? 'UTC';
      const overlap = input.overlap ?? 'SKIP';
      const problems: string[] = [];
      const parsed = parseCron(input.cron, timezone);
      if (!parsed.ok) problems.push(...parsed.problems);
      if (!OVERLAPS.includes(overlap))
        problems.push(`overlap must be one of ${OVERLAPS.join(', ')} (got "${overlap}")`);
      let state: State = {};
      try {
        state = runInput(input.input);
      } catch (err) {
        problems.push((err as Error).message);
      }
      if (problems.length > 0 || !parsed.ok)
        throw new AppError('BAD_USER_INPUT', `Invalid schedule: ${problems.join('; ')}.`, {
          problems,
        });
      return store.create({
        id: uuidv7(),
        tenantId,
        graphId,
        cron: input.cron,
        timezone,
        input: state,
        overlap,
        paused: false,
        nextFireAt: parsed.schedule.nextAfter(new Date(now())),
      });
    },

    get: owned,

    async setPaused(id: string, tenantId: string, paused: boolean) {
      const schedule = await owned(id, tenantId);
      // Resuming skips the fires missed while paused: the next one is computed from now.
      const next = paused ? schedule.nextFireAt : nextOf(schedule, now());
      return (await store.setPaused(id, paused, next)) ?? schedule;
    },

    async delete(id: string, tenantId: string) {
      await owned(id, tenantId);
      return store.delete(id);
    },

    /**
     * Fires the due schedules (up to `limit`, earliest first) that no other server claims
     * first; returns what this server did.
     */
    async tick(at = now(), limit = 100): Promise<{ started: number; skipped: number }> {
      const result = { started: 0, skipped: 0 };
      for (const schedule of await store.due(new Date(at), limit)) {
        const outcome = await fire(schedule, at);
        if (outcome) result[outcome]++;
      }
      return result;
    },

    /** Ticks every `intervalMs` (never two at once) until the returned stop is called. */
    startTicking(intervalMs: number): () => Promise<void> {
      let running: Promise<unknown> | null = null;
      const timer = setInterval(() => {
        running ??= this.tick()
          .catch((err) => logger.warn('schedule tick failed', { err }))
          .finally(() => {
            running = null;
          });
      }, intervalMs);
      timer.unref();
      return async () => {
        clearInterval(timer);
        await running;
      };
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
