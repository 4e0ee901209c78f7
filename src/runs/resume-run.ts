/**
 * resumeRun and the cancel of a WAITING run. An answer is checked against the stored log (the
 * interrupt exists and is pending) and the interrupt's schema (every problem listed), then
 * delivered to the run's executor: through its inbox when the run executes here, or by taking
 * the WAITING run from the store (claimWaiting) and resuming it from its log with the answer.
 * The executor records it (INTERRUPT_ANSWERED); a second answer to one interrupt is refused
 * there too, so two concurrent calls cannot both win.
 */
import { isDeepStrictEqual } from 'node:util';
import { Ajv } from 'ajv';
import type { AnswerOutcome } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GraphVersions } from './graph-versions.js';
import { loadEvents } from './load-events.js';
import type { LocalRuns } from './local-runs.js';
import { isActive, type RunRecord, type RunStore } from './ports.js';
import type { Inbox, RunInboxes } from './run-inboxes.js';
import type { Job } from './run-pool.js';
import { interruptsOf } from './run-views.js';

const ajv = new Ajv({ allErrors: true, strict: false });
/** How long resumeRun waits for the server executing the run to take a posted answer. */
const OWNER_WAIT_MS = 30_000;

export interface ResumeDeps {
  store: RunStore;
  local: LocalRuns;
  inboxes: RunInboxes;
  versions: GraphVersions;
  owner: string;
  logger: Logger;
  get(runId: string, tenantId: string): Promise<RunRecord>;
  enqueue(record: RunRecord, job: Job): void;
}

/** Every problem of `value` against the interrupt's JSON Schema (empty: it fits). */
export function answerProblems(schema: Record<string, unknown>, value: unknown): string[] {
  let validate: ReturnType<typeof ajv.compile>;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    return [`the interrupt's schema does not compile: ${(err as Error).message}`];
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`,
  );
}

export function createResumer(deps: ResumeDeps) {
  const { store, local, inboxes, versions, owner, logger } = deps;

  function offer(inbox: Inbox, id: string, value: unknown) {
    return new Promise<AnswerOutcome | 'CLOSED'>((resolve) => {
      if (!inbox.offer({ interruptId: id, value, settle: resolve })) resolve('CLOSED');
    });
  }

  async function statusOf(runId: string, id: string) {
    const run = await store.getRun(runId);
    if (!run || !isActive(run.status)) return undefined;
    return interruptsOf(await loadEvents(store, runId), true).find((i) => i.id === id)?.status;
  }

  /** Takes the WAITING run from the store and queues it here; false when it is not WAITING. */
  async function takeWaiting(runId: string, extra: Partial<Job> = {}): Promise<boolean> {
    const claim = await store.claimWaiting(runId, owner);
    if (!claim) return false;
    const { run, version } = claim;
    try {
      const history = await loadEvents(store, runId);
      const graph = versions.compile(version);
      deps.enqueue(
        { ...run, pinnedVersion: version.version },
        { runId, graphId: run.graphId, graph, input: run.input, history, ...extra },
      );
    } catch (err) {
      // Claimed but not resumed: it resumes when this process restarts (its lease lapses).
      logger.error('could not resume a waiting run', { runId, err });
      throw err;
    }
    return true;
  }

  /** Hands the answer to the run's executor, wherever it is; resolves with what became of it. */
  async function deliver(runId: string, id: string, value: unknown): Promise<AnswerOutcome> {
    for (let tries = 0; tries < 50; tries++) {
      const inbox = inboxes.get(runId);
      if (inbox) {
        const outcome = await offer(inbox, id, value);
        if (outcome === 'CLOSED') continue;
        if (outcome !== 'UNKNOWN') return outcome;
        // The run stopped executing here as the answer arrived (it suspended): look again,
        // unless the log says the interrupt is over.
        if ((await statusOf(runId, id)) !== 'PENDING') return outcome;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      // Suspending here: its WAITING status is being stored, then it is in the store.
      if (local.has(runId)) {
        await local.waitFor(runId);
        continue;
      }
      if (await takeWaiting(runId)) continue;
      const run = await store.getRun(runId);
      if (!run || !isActive(run.status)) return 'UNKNOWN';
      if (run.status === 'WAITING') continue;
      // Another process executes it: leave the answer for its owner (taken at its heartbeat).
      return viaOwner(runId, id, value);
    }
    throw new AppError('UNAVAILABLE', `Run "${runId}" could not be reached; retry shortly.`, {
      retryable: true,
    });
  }

  /**
   * Posts the answer for the run's owner and watches the log for it. Delivery may happen twice
   * (the owner, and this process if the run meanwhile waits): the executor records one answer
   * per interrupt, so the second is refused harmlessly.
   */
  async function viaOwner(runId: string, id: string, value: unknown): Promise<AnswerOutcome> {
    if (!(await store.postAnswer(runId, { interruptId: id, value }))) return 'UNKNOWN';
    const deadline = Date.now() + OWNER_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const run = await store.getRun(runId);
      const found = interruptsOf(await loadEvents(store, runId), true).find((i) => i.id === id);
      if (found?.status === 'ANSWERED')
        return isDeepStrictEqual(found.answer, value) ? 'ANSWERED' : 'ALREADY_ANSWERED';
      if (found?.status === 'TIMED_OUT') return 'TIMED_OUT';
      if (!run || !isActive(run.status)) return 'UNKNOWN';
      if (run.status === 'WAITING' && (await takeWaiting(runId))) {
        const inbox = inboxes.get(runId);
        if (inbox) return offer(inbox, id, value).then((o) => (o === 'CLOSED' ? 'UNKNOWN' : o));
      }
    }
    throw new AppError(
      'UNAVAILABLE',
      `The server executing run "${runId}" did not take the answer within ${OWNER_WAIT_MS / 1000} s; retry shortly.`,
      { retryable: true },
    );
  }

  /** Answers other processes left for runs this one owns (called at each heartbeat). */
  async function pickUp(): Promise<void> {
    for (const { runId, answers } of await store.takeAnswers(owner)) {
      for (const a of answers) {
        deliver(runId, a.interruptId, a.value).catch((err) =>
          logger.warn('could not deliver a posted answer', { runId, err }),
        );
      }
    }
  }

  async function check(runId: string, interruptId: string, value: unknown, tenantId: string) {
    const run = await deps.get(runId, tenantId);
    if (run.status === 'PAUSED')
      throw new AppError(
        'RUN_PAUSED',
        `Run "${runId}" is paused: unpause it (unpauseRun), then answer its interrupt.`,
        { status: run.status },
      );
    if (!isActive(run.status))
      throw new AppError('RUN_NOT_ACTIVE', `Run "${runId}" already ${run.status.toLowerCase()}.`, {
        status: run.status,
      });
    const found = interruptsOf(await loadEvents(store, runId), true).find(
      (i) => i.id === interruptId,
    );
    if (!found)
      throw new AppError(
        'NOT_FOUND',
        `Run "${runId}" has no interrupt "${interruptId}"; read run.interrupts for the ids it waits on.`,
        { id: interruptId },
      );
    if (found.status === 'ANSWERED')
      throw new AppError(
        'INTERRUPT_ALREADY_ANSWERED',
        `Interrupt "${interruptId}" was already answered; each interrupt takes one answer.`,
        { interruptId, answer: found.answer },
      );
    if (found.status === 'TIMED_OUT')
      throw new AppError(
        'INTERRUPT_TIMED_OUT',
        `Interrupt "${interruptId}" timed out before it was answered; the run went on without this answer.`,
        { interruptId },
      );
    const problems = answerProblems(found.schema, value);
    if (problems.length > 0)
      throw new AppError(
        'BAD_USER_INPUT',
        `The answer does not match the interrupt's schema (${problems.length} problem(s)): ${problems.join('; ')}. The run keeps waiting.`,
        { problems, schema: found.schema },
      );
  }

  return {
    /** resumeRun: check, deliver, and map the executor's outcome to the API's errors. */
    async resume(runId: string, interruptId: string, value: unknown, tenantId: string) {
      await check(runId, interruptId, value, tenantId);
      const outcome = await deliver(runId, interruptId, value);
      if (outcome !== 'ANSWERED') {
        // Lost a race (another answer, a timeout, the node or the run ended): the log says which.
        await check(runId, interruptId, value, tenantId);
        throw notFound('Interrupt', interruptId);
      }
      const record = local.get(runId) ?? (await store.getRun(runId));
      if (!record) throw notFound('Run', runId);
      return { ...record, status: 'RUNNING' as const };
    },
    pickUp,
    takeWaiting,
    /** Cancels a run that waits out of memory: taken from the store and resumed cancelled. */
    cancelWaiting: (runId: string, reason: string) => takeWaiting(runId, { cancelReason: reason }),
  };
}
