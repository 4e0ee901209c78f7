import { afterAll, expect, it } from 'vitest';
import { SAMPLE_FILENAME } from '../../../src/examples/code-review/index.js';
import {
  describeBackends,
  type EventData,
  type RunData,
  waitForRun,
} from '../../api/operations.js';
import { createTestApp } from '../../helpers/app.js';
import { startOpenAIServer } from '../../helpers/openai-server.js';
import { FIXTURES, fixture } from './review.js';

const PARSER = `${FIXTURES}/pg-protocol-parser.ts`;

const llm = await startOpenAIServer();
afterAll(() => llm.close());

const GRAPH = `query { graphByName(name: "code-review") { id } }`;
const START = `mutation($g: ID!, $i: JSON) { startRun(graphId: $g, input: $i) { id } }`;
const succeeded = (run: RunData): string[] =>
  run.events.edges
    .map((e): EventData => e.node)
    .filter((e) => e.type === 'NODE_SUCCEEDED')
    .map((e) => e.nodeId ?? '');

const COMMENT = {
  path: SAMPLE_FILENAME,
  line: 31,
  severity: 'warning',
  body: 'The 0.12 policy limit is a magic number: name it or read it from configuration.',
};

await describeBackends(
  'code-review with a scripted OpenAI-compatible model',
  (api) => {
    it('adds the model reviewer, which reads the fixed code and the findings and comments', async () => {
      const t = api();
      const { graphByName } = await t.ok<{ graphByName: { id: string } }>(GRAPH);
      llm.reset();
      llm.script({ json: { comments: [COMMENT] } });
      const { startRun } = await t.ok<{ startRun: { id: string } }>(START, { g: graphByName.id });
      const run = await waitForRun(t, startRun.id);
      expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
      expect(succeeded(run)).toEqual(['load', 'lint', 'fix', 'lint', 'fix', 'comment', 'report']);
      expect(llm.requests).toHaveLength(1);
      const prompt = JSON.stringify(llm.requests[0]?.body.messages);
      // The fixed version, numbered, and ESLint's remaining finding.
      expect(prompt).toContain(`File ${SAMPLE_FILENAME}:`);
      expect(prompt).toContain('10: export async function loadOrders');
      expect(prompt).toContain("11:   const text = await readFile(path, 'utf8');");
      expect(prompt).toContain(`${SAMPLE_FILENAME}:36:33 @typescript-eslint/no-explicit-any`);
      const state = run.state!;
      expect(state.model_review).toEqual({ comments: [COMMENT] });
      expect(state.report_markdown).toContain(
        `## Model reviewer\n\n- ${SAMPLE_FILENAME}:31 (warning): The 0.12 policy limit`,
      );
      const sarif = state.sarif as {
        runs: Array<{
          tool: { driver: { name: string } };
          results: Array<Record<string, unknown>>;
        }>;
      };
      expect(sarif.runs.map((r) => r.tool.driver.name)).toEqual(['ESLint', 'model-reviewer']);
      expect(sarif.runs[1]!.results[0]).toMatchObject({
        ruleId: 'model-review',
        level: 'warning',
        message: { text: COMMENT.body },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: SAMPLE_FILENAME },
              region: { startLine: 31 },
            },
          },
        ],
      });
    });

    it('gives the model the diff, not whole files, when the input is a diff', async () => {
      const t = api();
      const { graphByName } = await t.ok<{ graphByName: { id: string } }>(GRAPH);
      llm.reset();
      const comment = {
        path: PARSER,
        line: 157,
        severity: 'note',
        body: 'Consider a dispatch table.',
      };
      llm.script({ json: { comments: [comment] } });
      const input = { diff: fixture('parser-change.diff') };
      const { startRun } = await t.ok<{ startRun: { id: string } }>(START, {
        g: graphByName.id,
        i: input,
      });
      const run = await waitForRun(t, startRun.id);
      expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
      const prompt = String(
        (llm.requests[0]!.body.messages as Array<{ content: string }>)[1]?.content,
      );
      expect(prompt.startsWith(`Unified diff under review:\n--- a/${PARSER}`)).toBe(true);
      expect(prompt).toContain(
        `ESLint findings (1):\n${PARSER}:157:3 complexity Method 'handlePacket'`,
      );
      expect(prompt).not.toContain('parseDataRowMessage');
      expect(run.state?.model_review).toEqual({ comments: [comment] });
    });
  },
  { SEED_EXAMPLES: 'true', LLM_BASE_URL: llm.baseURL, LLM_MODEL: 'scripted-model' },
);

it('has no model reviewer when no model is configured', async () => {
  const t = await createTestApp({ env: { SEED_EXAMPLES: 'true' } });
  try {
    const { graphByName } = await t.ok<{ graphByName: { id: string } }>(GRAPH);
    const { startRun } = await t.ok<{ startRun: { id: string } }>(START, { g: graphByName.id });
    const run = await waitForRun(t, startRun.id);
    expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
    expect(succeeded(run)).toEqual(['load', 'lint', 'fix', 'lint', 'fix', 'report']);
    expect(run.state!.model_review).toBeUndefined();
    expect((run.state!.sarif as { runs: unknown[] }).runs).toHaveLength(1);
  } finally {
    await t.close();
  }
});
