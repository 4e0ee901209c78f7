import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/engine/index.js';
import { AppError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { createJsonLogger } from '../../src/observability/json-logger.js';
import { createRedactor } from '../../src/redaction.js';
import { createGraph, runToEnd, uniqueName } from '../api/operations.js';
import { createTestApp, waitUntil } from '../helpers/app.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('JSON logs (pino)', () => {
  it('writes one JSON object per line, secrets redacted from the message and every field', () => {
    const out = capture();
    const log = createJsonLogger('info', createRedactor(['s3cr3t-value']), out.stream);
    log.info('connecting with s3cr3t-value', {
      runId: 'r1',
      nested: { url: 'postgresql://u:s3cr3t-value@db/x' },
      err: new Error('boom s3cr3t-value'),
    });
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).not.toContain('s3cr3t-value');
    const [line] = out.json();
    expect(line).toMatchObject({
      level: 'info',
      msg: 'connecting with [redacted]',
      runId: 'r1',
      nested: { url: 'postgresql://u:[redacted]@db/x' },
      err: { type: 'Error', message: 'boom [redacted]' },
    });
    expect(typeof line?.time).toBe('string');
  });

  it('logs a user error (stable code) at warn at most, as its code and message, without a stack', () => {
    const out = capture();
    const log = createJsonLogger('info', undefined, out.stream);
    log.error('startRun refused', { err: new AppError('NOT_FOUND', 'Graph "g" not found.') });
    log.error('run failed', { err: new EngineError('TOOL_FAILED', 'the tool failed', 'n1') });
    log.error('unexpected', { err: new TypeError('x is undefined') });
    const [a, b, c] = out.json();
    expect(a).toMatchObject({
      level: 'warn',
      err: { code: 'NOT_FOUND', message: 'Graph "g" not found.' },
    });
    expect(a?.err).not.toHaveProperty('stack');
    expect(b).toMatchObject({ level: 'warn', err: { code: 'TOOL_FAILED' } });
    expect(c).toMatchObject({ level: 'error', err: { type: 'TypeError' } });
    expect((c as { err: { stack: string } }).err.stack).toContain('TypeError');
  });

  it('honours the level', () => {
    const out = capture();
    const log = createJsonLogger('warn', undefined, out.stream);
    log.info('dropped');
    log.warn('kept');
    expect(out.json().map((l) => l.msg)).toEqual(['kept']);
  });
});

describe('run lifecycle in the log', () => {
  it('logs run started and run failed with the run id, a failure with its code at info', async () => {
    const entries: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
    const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      entries.push({ level, message, ...(fields ? { fields } : {}) });
    const logger: Logger = { info: record('info'), warn: record('warn'), error: record('error') };
    const t = await createTestApp({ env: { SEED_EXAMPLES: 'false' }, app: { logger } });
    try {
      const graph = await createGraph(t, {
        name: uniqueName('logged'),
        nodes: [{ id: 'bad', tool: 'fail', config: { retryable: false } }],
        edges: [],
        entry: 'bad',
      });
      const run = await runToEnd(t, graph.id);
      const mine = await waitUntil(async () => {
        const list = entries.filter((e) => e.fields?.runId === run.id);
        return list.length >= 2 ? list : undefined;
      });
      expect(mine).toEqual([
        { level: 'info', message: 'run started', fields: { runId: run.id } },
        {
          level: 'info',
          message: 'run failed',
          fields: {
            runId: run.id,
            status: 'FAILED',
            nodeId: 'bad',
            error: { code: 'TOOL_FAILED', message: 'fail tool failed' },
          },
        },
      ]);
      expect(entries.filter((e) => e.level === 'error')).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
