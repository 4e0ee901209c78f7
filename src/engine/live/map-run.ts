/**
 * A map node's attempt (graph.ts MapDef): `over` evaluated on the attempt's starting state, then
 * the tool run once per item, at most `maxConcurrency` at once, in index order. Each item has its
 * own attempts (the node's `retry`), `timeoutMs`, signal and events (MAP_ITEM_*); its result is
 * recorded (MAP_ITEM_SUCCEEDED) and kept in the activation's memo, so when the node runs again
 * (a crash, an answered interrupt, a node retry) only the items without a result run. The
 * attempt succeeds with the results in item order; an item that fails for good fails it, not
 * retried at the node (its retries were the item's). See EXECUTOR.md ("Map nodes").
 */
import { EngineError, type ErrorInfo } from '../errors.js';
import type { Execution } from '../fold/execution.js';
import { mapItemKey } from '../fold/memo.js';
import type { CompiledMap } from '../graph/compiled.js';
import { MAX_MAP_ITEMS } from '../graph/map-node.js';
import { evaluateInputs } from '../graph/node-io.js';
import type { State } from '../graph.js';
import { parseToolInput, siteOf } from './input.js';
import { ItemContext } from './item-context.js';
import { failureDelayMs, isRetryable, maxAttempts } from './retry.js';
import { toErrorInfo } from './run-errors.js';
import type { RunLoop } from './run-loop.js';
import { type AttemptContext, asJson } from './tool-context.js';

/** The list a map node runs over, on the attempt's starting state. */
export function mapItems(run: RunLoop, exec: Execution, state: Readonly<State>): unknown[] {
  const node = exec.node;
  const map = node.map!;
  const list = evaluateInputs([['over', map.over]], state, run.ports.conditionBudget, node.id).over;
  if (!Array.isArray(list)) {
    const got = list === null ? 'null' : typeof list;
    throw new EngineError(
      'MAP_NOT_A_LIST',
      `map.over of node "${node.id}" (\`${map.over.source}\`) gave ${got}, not a list`,
      node.id,
    );
  }
  if (list.length > MAX_MAP_ITEMS)
    throw new EngineError(
      'MAP_TOO_LARGE',
      `map.over of node "${node.id}" gave ${list.length} items; a map node takes at most ${MAX_MAP_ITEMS} (split the list, or map over chunks)`,
      node.id,
    );
  return list;
}

/** Runs every item without a recorded result; resolves with all results in item order. */
export function runMap(run: RunLoop, ctx: AttemptContext, items: unknown[]): Promise<unknown[]> {
  const exec = ctx.exec;
  const map = exec.node.map!;
  const results: unknown[] = new Array(items.length);
  const stop = new Stop();
  const onAbort = () => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let active = 0;
  let failed = false;
  return new Promise<unknown[]>((resolve, reject) => {
    const finish = (err?: unknown) => {
      ctx.signal.removeEventListener('abort', onAbort);
      if (err === undefined) resolve(results);
      else reject(err);
    };
    const launch = () => {
      while (!failed && active < map.maxConcurrency && next < items.length) {
        const index = next++;
        const memo = exec.memo?.steps;
        const key = mapItemKey(index);
        if (memo?.has(key)) {
          results[index] = memo.get(key) ?? null;
          continue;
        }
        active++;
        runItem(run, ctx, map, index, items[index], stop).then(
          (value) => {
            active--;
            results[index] = value;
            launch();
          },
          (err) => {
            active--;
            if (failed) return;
            failed = true;
            stop.abort(err);
            finish(err);
          },
        );
      }
      if (!failed && active === 0 && next === items.length) {
        failed = true; // settled: nothing more launches
        finish();
      }
    };
    launch();
  });
}

/** One item: its attempts until one succeeds or it fails for good. */
async function runItem(
  run: RunLoop,
  ctx: AttemptContext,
  map: CompiledMap,
  index: number,
  value: unknown,
  stop: Stop,
): Promise<unknown> {
  const { exec, host, token } = ctx;
  const node = exec.node;
  const iteration = exec.iteration;
  const policy = node.def.retry;
  let itemAttempt = exec.memo?.items?.get(index) ?? 1;
  const frame = ctx.openStep(`map:${index}`);
  try {
    for (;;) {
      if (stop.aborted || !ctx.current) throw stop.reason ?? ctx.signal.reason;
      const started = run.ports.now();
      host.mapItemEvent(exec, token, 'MAP_ITEM_STARTED', { iteration, index, itemAttempt });
      try {
        const result = await attemptItem(run, ctx, map, index, value, itemAttempt, stop);
        const json = asJson(result, `map item ${index}`) ?? null;
        const durationMs = run.ports.now() - started;
        const data = { iteration, index, itemAttempt, durationMs, result: json };
        host.mapItemEvent(exec, token, 'MAP_ITEM_SUCCEEDED', data);
        return json;
      } catch (err) {
        if (stop.aborted || !ctx.current) throw err;
        const error = toErrorInfo(err, node.id);
        if (isRetryable(err) && itemAttempt < maxAttempts(policy)) {
          const delayMs = failureDelayMs(policy, itemAttempt, err, run.ports.random);
          const nextAttempt = itemAttempt + 1;
          const data = { iteration, index, itemAttempt, error, delayMs, nextAttempt };
          host.mapItemEvent(exec, token, 'MAP_ITEM_RETRYING', data);
          await sleep(delayMs, stop);
          itemAttempt = nextAttempt;
          continue;
        }
        host.mapItemEvent(exec, token, 'MAP_ITEM_FAILED', { iteration, index, itemAttempt, error });
        throw itemFailed(node.id, index, error);
      }
    }
  } finally {
    ctx.closeStep(frame);
  }
}

/** One attempt of one item: its input, its context, the tool call and its timeoutMs. */
async function attemptItem(
  run: RunLoop,
  ctx: AttemptContext,
  map: CompiledMap,
  index: number,
  value: unknown,
  itemAttempt: number,
  stop: Stop,
): Promise<unknown> {
  const node = ctx.exec.node;
  const vars = { [map.as]: value, index };
  const raw =
    node.inputs === undefined
      ? vars
      : evaluateInputs(node.inputs, ctx.state, run.ports.conditionBudget, node.id, vars);
  const input = parseToolInput(node, raw);
  const item = new ItemContext(ctx, index, value, itemAttempt, input);
  stop.live.add(item);
  const timeoutMs = node.def.timeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const replay = run.services?.replay;
    const call =
      replay === undefined
        ? Promise.resolve(node.tool.run(item as never))
        : replay.call(siteOf(ctx.exec, index), item as never, (c) => node.tool.run(c as never));
    if (timeoutMs === undefined) return await call;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new EngineError(
          'TOOL_TIMEOUT',
          `Item ${index} of node "${node.id}" did not finish within ${timeoutMs} ms; raise timeoutMs or make the tool faster`,
          node.id,
          { index },
        );
        item.abort(err);
        reject(err);
      }, timeoutMs);
    });
    return await Promise.race([call, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    stop.live.delete(item);
  }
}

/** The node's failure for an item that failed for good: its code, not retried at the node. */
function itemFailed(nodeId: string, index: number, error: ErrorInfo): EngineError {
  const err = new EngineError(error.code, `Item ${index}: ${error.message}`, nodeId, {
    ...(typeof error.details === 'object' && error.details !== null ? error.details : {}),
    index,
  });
  (err as { retryable?: boolean }).retryable = false;
  return err;
}

/**
 * The map's stop: aborts every item attempt running (their contexts, in `live`) and every
 * retry delay, without a listener per item on one signal.
 */
class Stop {
  aborted = false;
  reason: unknown = undefined;
  readonly live = new Set<ItemContext>();
  readonly sleeping = new Set<() => void>();

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    for (const item of this.live) item.abort(reason);
    for (const wake of this.sleeping) wake();
  }
}

function sleep(ms: number, stop: Stop): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const wake = () => {
      clearTimeout(timer);
      reject(stop.reason);
    };
    const timer = setTimeout(() => {
      stop.sleeping.delete(wake);
      resolve();
    }, ms);
    stop.sleeping.add(wake);
  });
}
