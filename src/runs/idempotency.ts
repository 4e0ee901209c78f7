import { createHash } from 'node:crypto';
import type { State } from '../engine/index.js';
import { AppError } from '../errors.js';
import type { RunRecord, RunStore, StartKey, StartKeyStore } from './ports.js';

/** JSON with object keys sorted, so equal inputs hash equal whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a start asked for, hashed: the input and the version (null: the latest). */
export function fingerprint(input: State, version: number | null): string {
  return createHash('sha256').update(stableJson({ input, version })).digest('hex');
}

export interface IdempotencyDeps {
  keys: StartKeyStore;
  store: RunStore;
  /** A key claimed longer ago than this starts a new run. */
  windowMs: number;
  /** How long a duplicate waits for the first start's run to be stored. */
  waitMs: number;
  unavailable(): AppError;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Idempotency keys of startRun. The first start claims the key (a primary key insert: two
 * concurrent starts, in one process or on two servers, cannot both win) and creates its run;
 * a repeat within the window gets that run. The same key with another input or version is
 * refused with IDEMPOTENCY_KEY_REUSED (as Stripe does): answering the first run would hide that
 * the caller asked for something else.
 */
export function createIdempotency(deps: IdempotencyDeps) {
  const { keys, store, windowMs, waitMs } = deps;
  let prunedAt = Date.now();

  /** At most once a minute per process: claims past the window are deleted (the table stays small). */
  function prune(now: number): void {
    if (now - prunedAt < 60_000) return;
    prunedAt = now;
    keys.prune(new Date(now - windowMs)).catch(() => {});
  }

  /** The claimed run, once the start that claimed it has stored it; null if it never will. */
  async function storedRun(runId: string): Promise<RunRecord | null> {
    const deadline = Date.now() + waitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const run = await store.getRun(runId);
      if (run || Date.now() > deadline) return run;
      await sleep(delay);
    }
  }

  return {
    /**
     * Claims `key` for the new run `runId`; null when claimed (create the run), else the run
     * started earlier with it.
     */
    async claim(
      key: StartKey,
      runId: string,
      input: State,
      version: number | null,
    ): Promise<RunRecord | null> {
      const now = Date.now();
      prune(now);
      const mine = { runId, fingerprint: fingerprint(input, version), createdAt: new Date(now) };
      for (let attempt = 0; attempt < 3; attempt++) {
        const held = await keys.claim(key, mine, new Date(now - windowMs));
        if (!held) return null;
        if (held.fingerprint !== mine.fingerprint)
          throw new AppError(
            'IDEMPOTENCY_KEY_REUSED',
            `Idempotency key "${key.key}" was used ${held.createdAt.toISOString()} for a start of this graph with another input or version (run ${held.runId}). Use a new key for a different start, or send the same input and version to get that run.`,
            { runId: held.runId, idempotencyKey: key.key },
          );
        const run = await storedRun(held.runId);
        if (run) return run;
        // Its start never stored the run (that process died between the claim and the commit):
        // take the key over, unless another start just did.
        if (await keys.replace(key, held.runId, mine)) return null;
      }
      throw deps.unavailable();
    },
    release: (key: StartKey, runId: string) => keys.release(key, runId),
  };
}
