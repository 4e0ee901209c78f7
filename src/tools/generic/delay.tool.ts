import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { patchValues } from './values.js';

/** The longest delay a node may ask for: one hour. */
export const MAX_DELAY_MS = 3_600_000;

/** Waits `ms` milliseconds (aborting at once on timeout or cancel), then returns `values`. */
export const delayTool = defineTool({
  name: 'delay',
  description: 'Waits config.ms milliseconds, then returns config.values (if any) as the patch',
  config: z.strictObject({
    ms: z.number().int().min(0).max(MAX_DELAY_MS).describe('Milliseconds to wait (max 1 hour)'),
    values: patchValues.optional(),
  }),
  async run({ config, signal }) {
    await sleep(config.ms, signal);
    return config.values ? { ...config.values } : undefined;
  },
});

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('delay aborted');
}
