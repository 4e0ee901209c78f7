/**
 * replayRun end to end against the scripted model server and a real MCP filesystem server: the
 * model is called again, no other tool is (the files a tool wrote are not written again), the
 * agent's tool calls come back from the record, and a path the record lacks fails clearly.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';
import { fsMcpFolder } from '../mcp/servers.js';
import {
  createGraph,
  describeBackends,
  getRun,
  type RunData,
  runToEnd,
  uniqueName,
  waitForRun,
} from './operations.js';

const llm: OpenAIServer = await startOpenAIServer();
const fsFolder = fsMcpFolder('aef-replay-');
const { dir, config: mcpConfig } = fsFolder;
afterAll(async () => {
  await llm.close();
  fsFolder.remove();
});

const REPLAY = `mutation($id: ID!, $model: JSON, $fromNode: String) {
  replayRun(runId: $id, model: $model, fromNode: $fromNode) { id status origin parent { id } }
}`;
const DIFF = `query($a: ID!, $b: ID!) { stateDiff(from: { runId: $a }, to: { runId: $b }) { key before after } }`;

async function replay(
  t: Parameters<typeof getRun>[0],
  id: string,
  vars: Record<string, unknown> = {},
) {
  const data = await t.ok<{ replayRun: { id: string; origin: string; parent: { id: string } } }>(
    REPLAY,
    { id, ...vars },
  );
  expect(data.replayRun).toMatchObject({ origin: 'REPLAY', parent: { id } });
  await waitForRun(t, data.replayRun.id);
  return getRun(t, data.replayRun.id);
}
const modelOf = (n: number) => (llm.requests[n]?.body as { model?: string } | undefined)?.model;

await describeBackends(
  'replayRun',
  (api) => {
    beforeEach(() => llm.reset());

    it('calls the model again, with another model, and answers every other tool from the record', async () => {
      const t = api();
      const file = join(dir, `note-${uniqueName('f')}.txt`);
      const def: GraphDef = {
        name: uniqueName('replay'),
        entry: 'ask',
        nodes: [
          { id: 'ask', tool: 'llm', config: { output: 'answer', prompt: 'Say something.' } },
          {
            id: 'save',
            tool: 'fs.write_file',
            inputs: { path: JSON.stringify(file), content: 'state.answer' },
            output: { saved: 'content' },
          },
        ],
        edges: [{ from: 'ask', to: 'save' }],
      };
      const graph = await createGraph(t, def);
      llm.script({ text: 'first answer' });
      const source = await runToEnd(t, graph.id);
      expect(source.status).toBe('SUCCEEDED');
      expect(readFileSync(file, 'utf8')).toBe('first answer');
      rmSync(file);

      llm.script({ text: 'second answer' });
      const replayed = await replay(t, source.id, { model: 'other-model' });
      expect(replayed.status).toBe('SUCCEEDED');
      expect(replayed.state).toMatchObject({ answer: 'second answer' });
      // The write was answered from the record: nothing was written again.
      expect(existsSync(file)).toBe(false);
      expect((replayed.state as { saved: unknown }).saved).toEqual(
        (source.state as { saved: unknown }).saved,
      );
      expect(llm.requests).toHaveLength(2);
      expect(modelOf(0)).toBe('scripted-model');
      expect(modelOf(1)).toBe('other-model');
      const diff = await t.ok<{
        stateDiff: Array<{ key: string; before: unknown; after: unknown }>;
      }>(DIFF, { a: source.id, b: replayed.id });
      expect(diff.stateDiff).toEqual([
        { key: 'answer', before: 'first answer', after: 'second answer' },
      ]);
    });

    it("replays an agent: the model is asked again, the agent's tool call comes from the record", async () => {
      const t = api();
      const file = join(dir, `agent-${uniqueName('f')}.txt`);
      const graph = await createGraph(t, {
        name: uniqueName('replay-agent'),
        entry: 'agent',
        nodes: [
          {
            id: 'agent',
            tool: 'agent',
            config: { output: 'answer', prompt: 'Write the note.', tools: ['fs.write_file'] },
          },
        ],
        edges: [],
      });
      const call = { name: 'fs.write_file', arguments: { path: file, content: 'from the agent' } };
      llm.script({ toolCalls: [call] }, { text: 'wrote it' });
      const source = await runToEnd(t, graph.id);
      expect(source.status).toBe('SUCCEEDED');
      expect(readFileSync(file, 'utf8')).toBe('from the agent');
      rmSync(file);
      llm.script({ toolCalls: [call] }, { text: 'wrote it again' });
      const replayed = await replay(t, source.id);
      expect(replayed.status).toBe('SUCCEEDED');
      expect(replayed.state).toMatchObject({ answer: 'wrote it again' });
      expect(existsSync(file)).toBe(false);
      expect(llm.requests).toHaveLength(4);
    });

    it('fails REPLAY_NOT_RECORDED when the new answer takes a path the record does not have', async () => {
      const t = api();
      const graph = await createGraph(t, {
        name: uniqueName('replay-path'),
        entry: 'ask',
        nodes: [
          { id: 'ask', tool: 'llm', config: { output: 'answer', prompt: 'yes or no?' } },
          { id: 'yes', tool: 'set_state', config: { values: { went: 'yes' } } },
          { id: 'no', tool: 'set_state', config: { values: { went: 'no' } } },
        ],
        edges: [
          { from: 'ask', to: 'yes', when: "state.answer == 'yes'" },
          { from: 'ask', to: 'no', when: "state.answer != 'yes'" },
        ],
      });
      llm.script({ text: 'yes' });
      const source: RunData = await runToEnd(t, graph.id);
      expect(source.state).toMatchObject({ went: 'yes' });
      llm.script({ text: 'no' });
      const replayed = await replay(t, source.id);
      expect(replayed.status).toBe('FAILED');
      expect(replayed.error).toMatchObject({ code: 'REPLAY_NOT_RECORDED', nodeId: 'no' });
    });
  },
  {
    LLM_BASE_URL: llm.baseURL,
    LLM_API_KEY: 'sk-replay-0123456789',
    LLM_MODEL: 'scripted-model',
    MCP_CONFIG: mcpConfig,
  },
);
