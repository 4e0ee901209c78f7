/**
 * The `agent` tool in the executor, against the scripted OpenAI-compatible server (real HTTP,
 * SSE): the loop, concurrent tool calls, tool errors given to the model, maxTurns, and a node
 * run again from its log repeating no completed model or tool call.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemorySink, type RunEvent } from '../../src/engine/events.js';
import { executeRun } from '../../src/engine/live/executor.js';
import { createAgentTool } from '../../src/llm/agent.tool.js';
import { loadLlmConfig } from '../../src/llm/llm-config.js';
import { providersFromConfig } from '../../src/llm/providers.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { humanInputTool } from '../../src/tools/generic/human-input.tool.js';
import { createToolRegistry } from '../../src/tools/registry.js';
import { compile, createTestInbox } from '../engine/live/steps-helpers.js';
import { startOpenAIServer } from '../helpers/openai-server.js';

const llm = await startOpenAIServer();
afterAll(() => llm.close());
beforeEach(() => llm.reset());

const providers = providersFromConfig(
  loadLlmConfig({ LLM_BASE_URL: llm.baseURL, LLM_MODEL: 'scripted' }),
);
const calls: Array<{ tool: string; input: unknown }> = [];
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up',
  input: z.object({ word: z.string() }),
  run: async ({ input }) => {
    calls.push({ tool: 'lookup', input });
    if (input.word === 'boom') throw new Error('dictionary offline');
    return { meaning: `meaning of ${input.word}` };
  },
});
const registry = createToolRegistry([lookup, humanInputTool]);
const agent = createAgentTool({ providers, tools: registry });
registry.register(agent);

function agentGraph(config: Record<string, unknown>) {
  return compile(
    {
      name: 'agent',
      nodes: [{ id: 'agent', tool: 'agent', config: { output: 'answer', ...config } }],
      edges: [],
      entry: 'agent',
    },
    [agent, lookup, humanInputTool],
  );
}

async function run(
  graph: ReturnType<typeof agentGraph>,
  history: RunEvent[] = [],
  inbox?: ReturnType<typeof createTestInbox>,
) {
  const sink = createMemorySink();
  const result = await executeRun({
    runId: 'r1',
    graph,
    sink,
    history,
    ...(inbox ? { inbox } : {}),
  });
  return { result, events: sink.events, log: [...history, ...sink.events] };
}

describe('agent tool', () => {
  it('loops model -> tools (concurrently) -> model until it answers; tool errors go to the model', async () => {
    calls.length = 0;
    llm.script(
      {
        toolCalls: [
          { name: 'lookup', arguments: { word: 'otter' } },
          { name: 'lookup', arguments: { word: 'boom' } },
        ],
      },
      { toolCalls: [{ name: 'nope', arguments: {} }] },
      { text: 'Otters are mustelids.' },
    );
    const graph = agentGraph({ prompt: 'What is an {{state.word}}?', tools: ['lookup'] });
    const { result, events } = await run(graph);
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      state: { answer: 'Otters are mustelids.' },
    });
    expect(calls.map((c) => c.input)).toEqual([{ word: 'otter' }, { word: 'boom' }]);
    // The model saw the tool's parameters and every result (errors as error text).
    const first = llm.requests[0]!.body as {
      tools: Array<{ function: { name: string; parameters: unknown } }>;
    };
    expect(first.tools[0]!.function).toMatchObject({
      name: 'lookup',
      parameters: { type: 'object', properties: { word: { type: 'string' } } },
    });
    const second = JSON.stringify(llm.requests[1]!.body.messages);
    expect(second).toContain('meaning of otter');
    expect(second).toContain('dictionary offline');
    expect(JSON.stringify(llm.requests[2]!.body.messages)).toContain('unknown tool');
    const steps = events.filter((e) => e.type === 'STEP_COMPLETED').map((e) => e.data.name);
    expect(steps).toEqual(['model:1', 'tool:1:1', 'tool:1:2', 'model:2', 'tool:2:1', 'model:3']);
    expect(events.filter((e) => e.type === 'CUSTOM' && e.data.name === 'llm.usage')).toHaveLength(
      3,
    );
  });

  it('resumed from any cut of its log, makes only the calls that had not completed', async () => {
    const script = () => [
      { toolCalls: [{ name: 'lookup', arguments: { word: 'a' } }] },
      { toolCalls: [{ name: 'lookup', arguments: { word: 'b' } }] },
      { text: 'done' },
    ];
    llm.script(...script());
    calls.length = 0;
    const graph = agentGraph({ prompt: 'go', tools: ['lookup'] });
    const full = await run(graph);
    expect(full.result.status).toBe('SUCCEEDED');
    const steps = full.log.filter((e) => e.type === 'STEP_COMPLETED');
    for (let k = 0; k < steps.length; k++) {
      // The log as a crash right after the k-th recorded step leaves it.
      const cut = full.log.slice(0, full.log.indexOf(steps[k]!) + 1);
      llm.reset();
      llm.script(
        ...script().slice(
          steps.slice(0, k + 1).filter((s) => s.data.name.startsWith('model')).length,
        ),
      );
      calls.length = 0;
      const resumed = await run(graph, cut);
      expect(resumed.result).toMatchObject({ status: 'SUCCEEDED', state: { answer: 'done' } });
      const modelsDone = steps
        .slice(0, k + 1)
        .filter((s) => s.data.name.startsWith('model')).length;
      const toolsDone = k + 1 - modelsDone;
      expect(llm.requests).toHaveLength(3 - modelsDone);
      expect(calls).toHaveLength(2 - toolsDone);
    }
  });

  it('fails with AGENT_MAX_TURNS when the model keeps calling tools', async () => {
    llm.script(
      { toolCalls: [{ name: 'lookup', arguments: { word: 'x' } }] },
      { toolCalls: [{ name: 'lookup', arguments: { word: 'y' } }] },
    );
    const { result } = await run(agentGraph({ prompt: 'go', tools: ['lookup'], maxTurns: 2 }));
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ code: 'AGENT_MAX_TURNS', nodeId: 'agent' });
  });

  it('lets a tool of the agent ask a person; answered, the loop goes on without repeating a call', async () => {
    llm.script(
      { toolCalls: [{ name: 'human_input', arguments: { prompt: 'Which word?' } }] },
      { text: 'You chose otter.' },
    );
    const graph = agentGraph({
      prompt: 'ask',
      tools: [{ name: 'human_input', config: { output: 'choice' } }],
    });
    const first = await run(graph);
    expect(first.result.status).toBe('WAITING');
    const asked = first.events.find((e) => e.type === 'INTERRUPT_REQUESTED');
    expect(asked).toMatchObject({ data: { id: 'agent:1:tool:1:1:1', prompt: 'Which word?' } });
    expect(llm.requests).toHaveLength(1);
    const inbox = createTestInbox();
    const outcome = inbox.answer('agent:1:tool:1:1:1', { answer: 'otter' });
    const second = await run(graph, first.log, inbox);
    expect(await outcome).toBe('ANSWERED');
    expect(second.result).toMatchObject({
      status: 'SUCCEEDED',
      state: { answer: 'You chose otter.' },
    });
    expect(llm.requests).toHaveLength(2);
    expect(JSON.stringify(llm.requests[1]!.body.messages)).toContain('otter');
  });

  it('refuses unknown tools and bad tool configs when the graph is saved', () => {
    const parsed = agent.config.safeParse({
      output: 'a',
      prompt: 'p',
      tools: ['missing', { name: 'human_input', config: { output: 5 } }],
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    expect(issues).toEqual(['tools.0', 'tools.1.config.output']);
  });
});
