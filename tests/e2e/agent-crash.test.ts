/**
 * An agent loop survives kill -9: a real server process runs a five-turn agent against the
 * scripted OpenAI-compatible server (in this test process) and is SIGKILLed while the model
 * answers turn 3; restarted on the same database, the run finishes, and every model call and
 * tool call that had completed was made exactly once (the scripted server's record, and the
 * tool's own record file).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Backend, backends } from '../helpers/databases.js';
import { startOpenAIServer } from '../helpers/openai-server.js';
import {
  createGraph,
  getRun,
  gql,
  poll,
  startRun,
  storedEvents,
  waitForFinished,
} from './helpers/gql.js';
import { processSuiteDatabases } from './helpers/process-suite.js';
import { withLogs } from './helpers/recovery.js';
import { spawnServer } from './helpers/spawn-server.js';

const TIMEOUT = 120_000;
const llm = await startOpenAIServer();
const dir = mkdtempSync(join(tmpdir(), 'aef-agent-'));
afterAll(async () => {
  await llm.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (word: string) => ({ name: 'record_call', arguments: { word } });

/** The turn a model request is for: one more than the assistant messages it carries. */
function turnOf(body: Record<string, unknown>): number {
  const messages = (body.messages ?? []) as Array<{ role: string }>;
  return messages.filter((m) => m.role === 'assistant').length + 1;
}

function suite(backend: Backend) {
  describe(`agent loop crash (${backend})`, () => {
    const database = processSuiteDatabases(backend, TIMEOUT);

    it(
      'resumes a five-turn agent after SIGKILL mid-loop; each completed call was received exactly once',
      async () => {
        llm.reset();
        // Turn 3's first request never gets an answer: the server is killed while it waits.
        llm.script(
          { toolCalls: [call('a'), call('b')] },
          { toolCalls: [call('c')] },
          { hang: true },
          { toolCalls: [call('d')] },
          { toolCalls: [call('e')] },
          { text: 'All five recorded.' },
        );
        const callsFile = join(dir, `${backend}-calls.txt`);
        const db = await database();
        const env = {
          LLM_BASE_URL: llm.baseURL,
          LLM_MODEL: 'scripted',
          AGENT_CALLS_FILE: callsFile,
        };
        const entry = 'tests/e2e/helpers/fixture-server.ts';
        const first = await spawnServer({ databaseUrl: db.url, name: 'first', env, entry });
        const graphId = await createGraph(first.url, {
          name: `agent-crash-${backend}`,
          nodes: [
            {
              id: 'agent',
              tool: 'agent',
              config: {
                output: 'answer',
                prompt: 'Record the words a to e.',
                tools: ['record_call'],
                maxTurns: 5,
              },
            },
          ],
          edges: [],
          entry: 'agent',
        });
        const run = await startRun(first.url, graphId);
        await llm.waitForRequests(3);
        // Turns 1 and 2 and their three tool calls are stored before the kill.
        await poll('five recorded steps', async () => {
          const events = await storedEvents(first.url, run.id);
          return events.filter((e) => e.type === 'STEP_COMPLETED').length >= 5 ? true : undefined;
        });
        expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

        const second = await spawnServer({ databaseUrl: db.url, name: 'restarted', env, entry });
        const done = await withLogs([first, second], waitForFinished(second.url, run.id));
        expect(done.status, second.output()).toBe('SUCCEEDED');
        expect(done.state).toMatchObject({ answer: 'All five recorded.' });

        // The model: six requests; the only repeated turn is the one that never completed.
        const requests = llm.requests.map((r) => ({ turn: turnOf(r.body), aborted: r.aborted }));
        expect(requests).toEqual([
          { turn: 1, aborted: false },
          { turn: 2, aborted: false },
          { turn: 3, aborted: true },
          { turn: 3, aborted: false },
          { turn: 4, aborted: false },
          { turn: 5, aborted: false },
        ]);
        // The tools: each call made once, across both processes.
        const lines = readFileSync(callsFile, 'utf8').trim().split('\n');
        expect(lines.map((l) => l.split(' ')[1])).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(new Set(lines).size).toBe(5);
        // One log, no gap, one attempt of the node, resumed with the same attempt number.
        const events = await storedEvents(second.url, run.id);
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
        const steps = events.filter((e) => e.type === 'STEP_COMPLETED');
        expect(steps.map((e) => (e.data as { name: string }).name)).toEqual([
          'model:1',
          'tool:1:1',
          'tool:1:2',
          'model:2',
          'tool:2:1',
          'model:3',
          'tool:3:1',
          'model:4',
          'tool:4:1',
          'model:5',
        ]);
        expect(events.filter((e) => e.type === 'NODE_STARTED').map((e) => e.attempt)).toEqual([
          1, 1,
        ]);
      },
      TIMEOUT,
    );

    it(
      'keeps a waiting agent WAITING across SIGKILL and a restart, then goes on when answered',
      async () => {
        llm.reset();
        llm.script(
          { toolCalls: [call('a')] },
          { toolCalls: [{ name: 'human_input', arguments: { prompt: 'Which word next?' } }] },
          { toolCalls: [call('z')] },
          { text: 'Recorded a and z.' },
        );
        const callsFile = join(dir, `${backend}-waiting.txt`);
        const db = await database();
        const env = {
          LLM_BASE_URL: llm.baseURL,
          LLM_MODEL: 'scripted',
          AGENT_CALLS_FILE: callsFile,
        };
        const entry = 'tests/e2e/helpers/fixture-server.ts';
        const first = await spawnServer({ databaseUrl: db.url, name: 'first', env, entry });
        const graphId = await createGraph(first.url, {
          name: `agent-wait-${backend}`,
          nodes: [
            {
              id: 'agent',
              tool: 'agent',
              config: {
                output: 'answer',
                prompt: 'Record words; ask me which.',
                tools: ['record_call', { name: 'human_input', config: { output: 'word' } }],
              },
            },
          ],
          edges: [],
          entry: 'agent',
        });
        const run = await startRun(first.url, graphId);
        await poll('the run waits', async () =>
          (await getRun(first.url, run.id)).status === 'WAITING' ? true : undefined,
        );
        expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

        const second = await spawnServer({ databaseUrl: db.url, name: 'restarted', env, entry });
        // Recovery leaves it alone: still WAITING, no model call made again.
        await new Promise((r) => setTimeout(r, 1_500));
        expect((await getRun(second.url, run.id)).status).toBe('WAITING');
        expect(llm.requests).toHaveLength(2);
        const answered = await gql(
          second.url,
          'mutation ($r: ID!, $i: ID!, $v: JSON!) { resumeRun(runId: $r, interruptId: $i, value: $v) { id } }',
          { r: run.id, i: 'agent:1:tool:2:1:1', v: { answer: 'z' } },
        );
        expect(answered.errors).toBeUndefined();
        const done = await withLogs([first, second], waitForFinished(second.url, run.id));
        expect(done.status, second.output()).toBe('SUCCEEDED');
        expect(done.state).toMatchObject({ answer: 'Recorded a and z.' });
        expect(llm.requests.map((r) => turnOf(r.body))).toEqual([1, 2, 3, 4]);
        const lines = readFileSync(callsFile, 'utf8').trim().split('\n');
        expect(lines.map((l) => l.split(' ')[1])).toEqual(['a', 'z']);
      },
      TIMEOUT,
    );
  });
}

for (const { name, skip } of await backends()) {
  if (skip) describe.skip(skip, () => {});
  else suite(name);
}
