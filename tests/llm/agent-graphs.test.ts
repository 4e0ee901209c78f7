/**
 * The agent's graphs-as-tools and handoffs config: tool names as the model sees them, names
 * that collide refused at save with their path, and the answer a handoff gives back.
 */
import { describe, expect, it } from 'vitest';
import { createAgentTool } from '../../src/llm/agent.tool.js';
import { graphModelTools, graphToolRefs, handoffAnswer } from '../../src/llm/agent-graphs.js';
import { loadLlmConfig } from '../../src/llm/llm-config.js';
import { providersFromConfig } from '../../src/llm/providers.js';
import { humanInputTool } from '../../src/tools/generic/human-input.tool.js';
import { createToolRegistry } from '../../src/tools/registry.js';

const providers = providersFromConfig(
  loadLlmConfig({ LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm' }),
);
const agent = createAgentTool({ providers, tools: createToolRegistry([humanInputTool]) });

describe('agent graphs and handoffs', () => {
  it('names graph tools after the graph and handoffs transfer_to_<graph>, model-safe', () => {
    const refs = graphToolRefs(
      ['order lookup/v2', { graph: 'refund', name: 'refund_it' }],
      ['billing.team', { graph: 'support', output: 'reply', description: 'Support answers.' }],
    );
    expect(refs.map((r) => [r.kind, r.name])).toEqual([
      ['graph', 'order_lookup_v2'],
      ['graph', 'refund_it'],
      ['handoff', 'transfer_to_billing_team'],
      ['handoff', 'transfer_to_support'],
    ]);
    const declared = graphModelTools(refs);
    expect(Object.keys(declared)).toEqual(refs.map((r) => r.name));
    expect(declared.transfer_to_support).toEqual({
      description: 'Support answers.',
      inputSchema: {
        type: 'object',
        properties: { reason: { type: 'string', description: 'Why you hand over' } },
      },
    });
    expect(declared.order_lookup_v2?.inputSchema).toMatchObject({ type: 'object' });
  });

  it('refuses tool names used twice and names the model cannot call, with their paths', () => {
    const parsed = agent.config.safeParse({
      output: 'a',
      prompt: 'p',
      tools: [{ name: 'human_input', config: { output: 'answer' } }],
      graphs: [
        { graph: 'g', name: 'human_input' },
        { graph: 'h', name: 'bad name!' },
      ],
      handoffs: ['g', { graph: 'other', name: 'transfer_to_g' }],
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
    expect(issues).toEqual(['graphs.1.name', 'graphs.0', 'handoffs.1']);
  });

  it("answers a handoff with the child's output key, this agent's by default", () => {
    const [byDefault, named] = graphToolRefs(undefined, ['a', { graph: 'b', output: 'text' }]);
    const state = { reply: 'from reply', text: 'from text' };
    expect(handoffAnswer(byDefault!, state, 'reply')).toBe('from reply');
    expect(handoffAnswer(named!, state, 'reply')).toBe('from text');
    expect(handoffAnswer(byDefault!, { other: 1 }, 'reply')).toBeNull();
  });
});
