import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { backends } from '../helpers/databases.js';
import { FILESYSTEM_BIN } from '../mcp/servers.js';
import {
  eventsOf,
  saveGraph,
  startRun,
  startWorker,
  unique,
  upperTool,
  waitForEnd,
  workerApp,
} from './helpers.js';
import { PYTHON, startPythonWorker } from './python-worker.js';

const hasPython = existsSync(PYTHON);
if (!hasPython) console.warn(`Python worker tests skipped: no ${PYTHON} (apt-get install python3)`);

for (const { name: backend, skip } of await backends()) {
  describe.skipIf(skip || !hasPython)(`one graph, tools from everywhere (${backend})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'aef-anywhere-'));
    let t: TestApp;
    beforeAll(async () => {
      const mcpConfig = join(dir, 'mcp.json');
      writeFileSync(
        mcpConfig,
        JSON.stringify({
          mcpServers: { fs: { command: process.execPath, args: [FILESYSTEM_BIN, dir] } },
        }),
      );
      t = await workerApp(backend, { MCP_CONFIG: mcpConfig });
    });
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs in process, in a TypeScript worker, in a Python worker and on an MCP server', async () => {
      const upper = unique('ts_upper');
      const stats = unique('py_stats');
      const ts = await startWorker(t, { tools: [upperTool(upper)], slots: 4, name: 'ts worker' });
      const py = startPythonWorker(t.url, { TOOL_NAME: stats, WORKER_SLOTS: '2' });
      try {
        const { waitUntil } = await import('../helpers/app.js');
        await waitUntil(async () => {
          const { tools } = await t.ok<{ tools: Array<{ name: string; workers: number | null }> }>(
            `{ tools { name workers } }`,
          );
          return (tools.find((x) => x.name === stats)?.workers ?? 0) > 0 ? true : undefined;
        }, 20_000).catch((err) => {
          throw new Error(`${err}: python worker output:\n${py.output()}`);
        });
        const report = join(dir, 'report.txt');
        const g = await saveGraph(t, {
          name: unique('anywhere'),
          entry: 'seed',
          nodes: [
            {
              id: 'seed',
              tool: 'set_state',
              config: { values: { text: 'the cat saw the other cat' } },
            },
            {
              id: 'upper',
              tool: upper,
              config: { suffix: '!' },
              inputs: { text: 'state.text' },
              output: { loud: 'text' },
            },
            {
              id: 'stats',
              tool: stats,
              config: { top: 2 },
              inputs: { text: 'state.loud' },
              output: 'stats',
            },
            {
              id: 'save',
              tool: 'fs.write_file',
              inputs: {
                path: `"${report}"`,
                content: 'state.loud + " words=" + string(state.stats.words)',
              },
              output: { saved: 'content' },
            },
          ],
          edges: [
            { from: 'seed', to: 'upper' },
            { from: 'upper', to: 'stats' },
            { from: 'stats', to: 'save' },
          ],
        });
        const run = await waitForEnd(t, await startRun(t, g));
        expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
        expect(run.state).toMatchObject({
          text: 'the cat saw the other cat',
          loud: 'THE CAT SAW THE OTHER CAT!',
          stats: { words: 6, chars: 26, top: ['the', 'cat'], by: 'python' },
        });
        expect(readFileSync(report, 'utf8')).toBe('THE CAT SAW THE OTHER CAT! words=6');
        const events = eventsOf(run);
        const succeeded = events.filter((e) => e.type === 'NODE_SUCCEEDED').map((e) => e.nodeId);
        expect(succeeded).toEqual(['seed', 'upper', 'stats', 'save']);
        const dispatched = events
          .filter((e) => e.type === 'CUSTOM' && e.data.name === 'TASK_DISPATCHED')
          .map((e) => [e.nodeId, e.data.payload.worker]);
        expect(dispatched).toEqual([
          ['upper', 'ts worker'],
          ['stats', 'python worker'],
        ]);
        expect(events.at(-1)?.type).toBe('RUN_SUCCEEDED');
      } finally {
        await ts.stop();
        await py.stop();
      }
    }, 60_000);
  });
}
