import { describe, expect, it } from 'vitest';
import type { ToolReplay, ToolServices } from '../../src/engine/index.js';
import { LazyToolServices } from '../../src/runs/lazy-services.js';
import type { RunRecord } from '../../src/runs/ports.js';

const record = { id: 'run-1', tenantId: 'default' } as RunRecord;

function countingThreads() {
  const made: ToolServices[] = [];
  return {
    made,
    servicesFor(run: RunRecord): ToolServices {
      const services = {
        thread: { id: async () => `thread of ${run.id}` },
        memory: { get: async () => undefined },
      } as unknown as ToolServices;
      made.push(services);
      return services;
    },
  };
}

describe('LazyToolServices', () => {
  it("makes the run's ctx.thread / ctx.memory on the first read, once", async () => {
    const threads = countingThreads();
    const services = new LazyToolServices(threads, record, undefined);
    expect(threads.made).toHaveLength(0);
    expect(await services.thread?.id()).toBe('thread of run-1');
    expect(services.memory).toBe(threads.made[0]?.memory);
    expect(threads.made).toHaveLength(1);
  });

  it('carries the replay as it is, and has no thread or memory without threads', () => {
    const replay = { call: () => undefined } as unknown as ToolReplay;
    const services = new LazyToolServices(undefined, record, replay);
    expect(services.replay).toBe(replay);
    expect(services.thread).toBeUndefined();
    expect(services.memory).toBeUndefined();
    expect(new LazyToolServices(undefined, record, undefined).replay).toBeUndefined();
  });
});
