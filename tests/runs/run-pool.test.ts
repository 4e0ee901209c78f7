import { describe, expect, it } from 'vitest';
import { type CompiledGraph, compileGraphOrThrow, type RunEvent } from '../../src/engine/index.js';
import { type Logger, silentLogger } from '../../src/logger.js';
import { type Job, RunPool } from '../../src/runs/run-pool.js';
import { createToolRegistry } from '../../src/tools/registry.js';
import { createCallLog, createFixtureTools } from '../fixtures/fixture-tools.js';
import { sleep } from './run-fakes.js';

const tools = createToolRegistry(createFixtureTools(createCallLog()));
/** One node that never finishes until aborted. */
const blocking = compileGraphOrThrow(
  { name: 'block', nodes: [{ id: 'hang', tool: 'fx_block' }], edges: [], entry: 'hang' },
  tools,
);
/** One node that sleeps `ms`. */
const sleeping = (ms: number) =>
  compileGraphOrThrow(
    {
      name: 'sleep',
      nodes: [{ id: 'nap', tool: 'fx_sleep', config: { ms } }],
      edges: [],
      entry: 'nap',
    },
    tools,
  );

function recordingSink() {
  const events: RunEvent[] = [];
  const untracked: string[] = [];
  return {
    events,
    untracked,
    emit: (e: RunEvent) => void events.push(e),
    untrack: (runId: string) => void untracked.push(runId),
    startedRuns: () => events.filter((e) => e.type === 'RUN_STARTED').map((e) => e.runId),
    end: (runId: string) =>
      events.find(
        (e) =>
          e.runId === runId &&
          (e.type === 'RUN_SUCCEEDED' || e.type === 'RUN_FAILED' || e.type === 'RUN_CANCELLED'),
      ),
  };
}

const job = (runId: string, graph: CompiledGraph = blocking): Job => ({
  runId,
  graphId: 'g',
  graph,
  input: {},
  history: [],
});

async function waitUntil(cond: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(2);
  }
}

describe('RunPool', () => {
  it('starts a queued job on a later tick, never inside enqueue', async () => {
    const sink = recordingSink();
    const pool = new RunPool(sink, silentLogger, 5);
    pool.enqueue(job('a'));
    expect(pool.activeCount).toBe(0);
    expect(pool.queuedCount).toBe(1);
    expect(sink.events).toEqual([]);
    await waitUntil(() => pool.isRunning('a'));
    expect(sink.startedRuns()).toEqual(['a']);
    pool.abortAll('test over');
  });

  it('executes at most maxConcurrent runs; the rest wait and start in order', async () => {
    const sink = recordingSink();
    const pool = new RunPool(sink, silentLogger, 2);
    for (const id of ['r1', 'r2', 'r3', 'r4']) pool.enqueue(job(id));
    await waitUntil(() => pool.activeCount === 2);
    await sleep(10);
    expect(pool.activeCount).toBe(2);
    expect(pool.queuedCount).toBe(2);
    expect(sink.startedRuns()).toEqual(['r1', 'r2']);

    expect(pool.abort('r2', 'make room')).toBe(true);
    await waitUntil(() => pool.isRunning('r3'));
    expect(pool.isRunning('r4')).toBe(false);
    expect(pool.activeCount).toBe(2);

    pool.abort('r1', 'make room');
    await waitUntil(() => pool.isRunning('r4'));
    expect(sink.startedRuns()).toEqual(['r1', 'r2', 'r3', 'r4']);
    pool.abortAll('test over');
    await waitUntil(() => pool.activeCount === 0);
  });

  it('aborts an executing run: it ends CANCELLED with the reason and is untracked', async () => {
    const sink = recordingSink();
    const pool = new RunPool(sink, silentLogger, 5);
    pool.enqueue(job('a'));
    await waitUntil(() => pool.isRunning('a'));
    expect(pool.abort('a', 'user asked')).toBe(true);
    await waitUntil(() => !pool.isRunning('a'));
    expect(sink.end('a')).toMatchObject({ type: 'RUN_CANCELLED', data: { reason: 'user asked' } });
    expect(sink.untracked).toEqual(['a']);
  });

  it('answers false to abort of a run it does not execute (queued or unknown)', async () => {
    const sink = recordingSink();
    const pool = new RunPool(sink, silentLogger, 1);
    pool.enqueue(job('running'));
    pool.enqueue(job('queued'));
    await waitUntil(() => pool.isRunning('running'));
    expect(pool.abort('queued', 'x')).toBe(false);
    expect(pool.abort('unknown', 'x')).toBe(false);
    expect(pool.dequeue('queued')?.runId).toBe('queued');
    pool.abortAll('test over');
    await waitUntil(() => pool.activeCount === 0);
  });

  it('dequeues a queued run so it never starts, and leaves the others in order', async () => {
    const sink = recordingSink();
    const pool = new RunPool(sink, silentLogger, 1);
    for (const id of ['a', 'b', 'c', 'd']) pool.enqueue(job(id));
    await waitUntil(() => pool.isRunning('a'));
    const taken = pool.dequeue('c');
    expect(taken?.runId).toBe('c');
    expect(pool.queuedCount).toBe(2);
    expect(pool.dequeue('c')).toBeUndefined();
    expect(pool.dequeue('a')).toBeUndefined(); // executing, not queued
    pool.abort('a', 'next');
    await waitUntil(() => pool.isRunning('b'));
    pool.abort('b', 'next');
    await waitUntil(() => pool.isRunning('d'));
    pool.abort('d', 'next');
    await waitUntil(() => pool.activeCount === 0);
    expect(sink.startedRuns()).toEqual(['a', 'b', 'd']);
  });

  it('drain waits for executing runs to end and starts no queued one', async () => {
    const sink = recordingSink();
    const pool = new RunPool(sink, silentLogger, 2);
    pool.enqueue(job('a', sleeping(30)));
    pool.enqueue(job('b', sleeping(30)));
    pool.enqueue(job('c', sleeping(30)));
    await waitUntil(() => pool.activeCount === 2);
    const t = Date.now();
    await pool.drain(5_000);
    expect(Date.now() - t).toBeLessThan(1_000);
    expect(pool.activeCount).toBe(0);
    expect(sink.end('a')?.type).toBe('RUN_SUCCEEDED');
    expect(sink.end('b')?.type).toBe('RUN_SUCCEEDED');
    await sleep(20);
    expect(sink.startedRuns()).toEqual(['a', 'b']);
    expect(pool.queuedCount).toBe(1);
  });

  it('drain gives up after its grace time; abortAll then stops what still executes', async () => {
    const sink = recordingSink();
    const pool = new RunPool(sink, silentLogger, 2);
    for (const id of ['a', 'b', 'c']) pool.enqueue(job(id));
    await waitUntil(() => pool.activeCount === 2);
    const t = Date.now();
    await pool.drain(60);
    expect(Date.now() - t).toBeGreaterThanOrEqual(55);
    expect(pool.activeCount).toBe(2);

    pool.abortAll('shutting down');
    await waitUntil(() => pool.activeCount === 0);
    expect(sink.end('a')).toMatchObject({
      type: 'RUN_CANCELLED',
      data: { reason: 'shutting down' },
    });
    expect(sink.end('b')).toMatchObject({ type: 'RUN_CANCELLED' });
    await sleep(20);
    expect(sink.startedRuns()).toEqual(['a', 'b']); // drained: c never starts
  });

  it('abortAll without drain aborts only executing runs; queued ones then start', async () => {
    const sink = recordingSink();
    const pool = new RunPool(sink, silentLogger, 1);
    pool.enqueue(job('a'));
    pool.enqueue(job('b'));
    await waitUntil(() => pool.isRunning('a'));
    pool.abortAll('reset');
    await waitUntil(() => pool.isRunning('b'));
    expect(sink.end('a')?.type).toBe('RUN_CANCELLED');
    pool.abortAll('test over');
    await waitUntil(() => pool.activeCount === 0);
  });

  it('logs an executor that crashes and goes on with the next job', async () => {
    const errors: Array<Record<string, unknown> | undefined> = [];
    const logger: Logger = { ...silentLogger, error: (_m, f) => void errors.push(f) };
    const sink = recordingSink();
    const pool = new RunPool(sink, logger, 1);
    // A history of another run is a broken log: executeRun rejects (RESUME_MISMATCH).
    pool.enqueue({ ...job('broken'), history: [startedOf('someone-else')] });
    pool.enqueue(job('next', sleeping(1)));
    await waitUntil(() => sink.end('next') !== undefined);
    expect(errors).toEqual([expect.objectContaining({ runId: 'broken' })]);
    expect(sink.untracked).toContain('broken');
  });
});

function startedOf(runId: string): RunEvent {
  return { runId, seq: 1, at: 0, type: 'RUN_STARTED', data: { input: {}, state: {} } };
}
