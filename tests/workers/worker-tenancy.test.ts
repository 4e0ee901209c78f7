import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, codeOf, dataOf, type Keys, keysFor } from '../api/auth-helpers.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { REGISTER, unique } from './helpers.js';

const TOOLS = `{ tools { name source } }`;
const WORKERS = `{ workers { id name tools slots connected running } }`;

describe('remote workers and tenants', () => {
  let t: TestApp;
  let a: Keys;
  let b: Keys;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH: 'apikey', SEED_EXAMPLES: 'false' } });
    a = await keysFor(t, 'tenant-a');
    b = await keysFor(t, 'tenant-b');
  });
  afterAll(() => t?.close());

  it('keeps each tenant’s workers, tools and tasks to itself', async () => {
    const tool = unique('mine');
    const input = { id: unique('w'), name: 'a-worker', slots: 2, tools: [{ name: tool }] };
    expect(codeOf(await call(t, a.reader, REGISTER, { input }))).toBe('FORBIDDEN'); // writers register
    const reg = dataOf(
      await call<{ registerWorker: { id: string } }>(t, a.writer, REGISTER, { input }),
    );
    expect(reg.registerWorker.id).toBe(input.id);

    // B neither sees A's worker nor its tool, and cannot take over the name or the worker id.
    const seen = dataOf(await call<{ tools: Array<{ name: string }> }>(t, b.reader, TOOLS));
    expect(seen.tools.some((x) => x.name === tool)).toBe(false);
    expect(dataOf(await call<{ workers: unknown[] }>(t, b.reader, WORKERS)).workers).toEqual([]);
    expect(
      codeOf(await call(t, b.writer, REGISTER, { input: { ...input, id: unique('w') } })),
    ).toBe('TOOL_NAME_TAKEN');
    expect(
      codeOf(
        await call(t, b.writer, REGISTER, {
          input: { ...input, tools: [{ name: unique('other') }] },
        }),
      ),
    ).toBe('NOT_FOUND');
    const mine = dataOf(
      await call<{ workers: Array<{ id: string; connected: boolean }> }>(t, a.reader, WORKERS),
    );
    expect(mine.workers).toEqual([expect.objectContaining({ id: input.id, connected: false })]);
    expect(
      dataOf(await call<{ tools: Array<{ name: string; source: string }> }>(t, a.reader, TOOLS))
        .tools,
    ).toContainEqual({
      name: tool,
      source: 'WORKER',
    });

    // Another tenant's task ids and worker ids are not found.
    const complete = `mutation($id: ID!) { completeToolTask(taskId: $id, result: {}) { status } }`;
    expect(codeOf(await call(t, b.writer, complete, { id: 'run:a:1:1@1' }))).toBe('NOT_FOUND');
    const drain = `mutation($id: ID!) { drainWorker(workerId: $id) { id } }`;
    expect(codeOf(await call(t, b.writer, drain, { id: input.id }))).toBe('NOT_FOUND');
    expect(
      dataOf(await call<{ drainWorker: { id: string } }>(t, a.writer, drain, { id: input.id }))
        .drainWorker.id,
    ).toBe(input.id);
  });
});
