import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { waitForRun } from '../../api/operations.js';
import { createTestApp } from '../../helpers/app.js';
import { FIXTURES } from './review.js';

const root = mkdtempSync(join(tmpdir(), 'aef-root-'));
writeFileSync(join(root, 'mine.ts'), 'let once = 1;\nexport { once };\n');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const GRAPH = `query { graphByName(name: "code-review") { id } }`;
const START = `mutation($g: ID!, $i: JSON) { startRun(graphId: $g, input: $i) { id } }`;

it('reads only under the server CODE_REVIEW_ROOT', async () => {
  const t = await createTestApp({ env: { SEED_EXAMPLES: 'true', CODE_REVIEW_ROOT: root } });
  try {
    const { graphByName } = await t.ok<{ graphByName: { id: string } }>(GRAPH);
    const start = async (input: Record<string, unknown>) => {
      const { startRun } = await t.ok<{ startRun: { id: string } }>(START, {
        g: graphByName.id,
        i: input,
      });
      return waitForRun(t, startRun.id);
    };
    const mine = await start({ path: 'mine.ts' });
    expect(mine.status, JSON.stringify(mine.error)).toBe('SUCCEEDED');
    expect(mine.state?.fixes).toEqual([{ path: 'mine.ts', rule: 'prefer-const', count: 1 }]);
    // The repository's fixtures are outside this root now.
    const outside = await start({ path: `${process.cwd()}/${FIXTURES}/pg-protocol-parser.ts` });
    expect(outside.status).toBe('FAILED');
    expect(outside.error).toMatchObject({ code: 'TOOL_FAILED', nodeId: 'load' });
    expect(outside.error?.message).toMatch(/^CODE_REVIEW_PATH_OUTSIDE_ROOT: /);
    // The server's directory is not told to the client.
    expect(outside.error?.message).not.toContain(root);
  } finally {
    await t.close();
  }
});
