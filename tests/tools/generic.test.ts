import { describe, expect, it } from 'vitest';
import { isNonRetryable, NonRetryableError } from '../../src/engine/errors.js';
import { delayTool } from '../../src/tools/generic/delay.tool.js';
import { failTool } from '../../src/tools/generic/fail.tool.js';
import { incrementTool } from '../../src/tools/generic/increment.tool.js';
import { logTool } from '../../src/tools/generic/log.tool.js';
import { setStateTool } from '../../src/tools/generic/set-state.tool.js';
import { runTool } from './run-tool.js';

describe('set_state', () => {
  it('returns config.values as the patch', async () => {
    const { patch } = await runTool(
      setStateTool,
      { a: 1 },
      { config: { values: { a: 2, b: [1] } } },
    );
    expect(patch).toEqual({ a: 2, b: [1] });
  });

  it('rejects config that is not an object of values', () => {
    expect(setStateTool.config.safeParse({ values: 3 }).success).toBe(false);
    expect(setStateTool.config.safeParse({ value: {} }).success).toBe(false);
  });
});

describe('delay', () => {
  it('waits at least ms, then returns values', async () => {
    const started = Date.now();
    const { patch } = await runTool(delayTool, {}, { config: { ms: 30, values: { done: true } } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(patch).toEqual({ done: true });
  });

  it('returns no patch without values', async () => {
    expect((await runTool(delayTool, {}, { config: { ms: 0 } })).patch).toBeUndefined();
  });

  it('rejects at once when the signal aborts, with the abort reason', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runTool(delayTool, {}, { config: { ms: 10_000 }, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('timed out')), 10);
    await expect(run).rejects.toThrow('timed out');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rejects immediately when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(
      runTool(delayTool, {}, { config: { ms: 10_000 }, signal: controller.signal }),
    ).rejects.toThrow('cancelled');
  });

  it('refuses negative, fractional and over-an-hour delays', () => {
    for (const ms of [-1, 1.5, 3_600_001])
      expect(delayTool.config.safeParse({ ms }).success).toBe(false);
    expect(delayTool.config.safeParse({ ms: 3_600_000 }).success).toBe(true);
  });
});

describe('fail', () => {
  it('always fails without failTimes, with the default message, retryably', async () => {
    for (const attempt of [1, 5]) {
      const error = await runTool(failTool, {}, { attempt }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe('fail tool failed');
      expect(isNonRetryable(error)).toBe(false);
    }
  });

  it('fails the first failTimes attempts, then returns values', async () => {
    const config = { failTimes: 2, message: 'flaky', values: { ok: 1 } };
    await expect(runTool(failTool, {}, { config, attempt: 1 })).rejects.toThrow('flaky');
    await expect(runTool(failTool, {}, { config, attempt: 2 })).rejects.toThrow('flaky');
    expect((await runTool(failTool, {}, { config, attempt: 3 })).patch).toEqual({ ok: 1 });
  });

  it('throws NonRetryableError when retryable is false', async () => {
    const error = await runTool(failTool, {}, { config: { retryable: false } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(isNonRetryable(error)).toBe(true);
  });

  it('succeeds on the first attempt with failTimes 0', async () => {
    expect((await runTool(failTool, {}, { config: { failTimes: 0 } })).patch).toBeUndefined();
  });
});

describe('increment', () => {
  it('adds by to the current value, absent counting as 0', async () => {
    expect((await runTool(incrementTool, {}, { config: { key: 'n' } })).patch).toEqual({ n: 1 });
    expect((await runTool(incrementTool, { n: 4 }, { config: { key: 'n', by: 3 } })).patch).toEqual(
      {
        n: 7,
      },
    );
  });

  it('fails for good on a non-number', async () => {
    await expect(runTool(incrementTool, { counter: 'x' })).rejects.toBeInstanceOf(
      NonRetryableError,
    );
  });
});

describe('log', () => {
  it('logs the message with state interpolated and chosen keys as fields', async () => {
    const { logs, patch } = await runTool(
      logTool,
      { name: 'Ada', n: 3 },
      { config: { message: 'hello {{name}} #{{ n }}{{missing}}', level: 'warn', keys: ['n'] } },
    );
    expect(patch).toBeUndefined();
    expect(logs).toEqual([{ message: 'hello Ada #3', fields: { n: 3 }, level: 'warn' }]);
  });
});
