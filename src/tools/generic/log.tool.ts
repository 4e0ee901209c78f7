import { z } from 'zod';
import { defineTool } from '../define-tool.js';

/**
 * Writes a LOG event. `{{key}}` in the message is replaced by the JSON of `state.key`; `keys`
 * attaches those state values as the log's fields. Returns no patch.
 */
export const logTool = defineTool({
  name: 'log',
  description: 'Logs config.message ({{key}} interpolates state.key) as a run event',
  config: z.strictObject({
    message: z.string().max(10_000),
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    keys: z.array(z.string()).max(100).optional().describe('State keys to attach as fields'),
  }),
  run({ state, config, log }) {
    const message = config.message.replace(/\{\{\s*([\w$-]+)\s*\}\}/g, (_, key: string) =>
      render(state[key]),
    );
    const fields = config.keys
      ? Object.fromEntries(config.keys.map((key) => [key, state[key] ?? null]))
      : undefined;
    log(message, fields, config.level);
  },
});

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}
