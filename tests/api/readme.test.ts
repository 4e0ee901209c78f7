import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { getRun, waitForRun } from './operations.js';

/** The README's tour, run as written: the documentation cannot drift from the API. */
const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const tour = /## A ten-line tour\s+```graphql\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('README tour', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_EXAMPLES: 'false' } });
  });
  afterAll(async () => t?.close());

  it('saves the graph, starts a run and reads the result exactly as the README shows', async () => {
    expect(tour).toContain('mutation Save');
    const saved = await t.ok<{ createGraph: { id: string; latestVersion: number } }>(
      tour,
      undefined,
      'Save',
    );
    expect(saved.createGraph.latestVersion).toBe(1);
    const started = await t.ok<{ startRun: { id: string; status: string } }>(
      tour,
      { graphId: saved.createGraph.id },
      'Start',
    );
    expect(['QUEUED', 'RUNNING']).toContain(started.startRun.status);
    await waitForRun(t, started.startRun.id);
    const read = await t.ok<{ run: { status: string; state: Record<string, unknown> } }>(
      tour,
      { runId: started.startRun.id },
      'Read',
    );
    expect(read.run.status).toBe('SUCCEEDED');
    expect(read.run.state).toEqual({ greeting: 'hi', n: 3 });
    const run = await getRun(t, started.startRun.id);
    expect(run.nodes.filter((n) => n.nodeId === 'count').map((n) => n.iteration)).toEqual([
      1, 2, 3,
    ]);
  });
});
