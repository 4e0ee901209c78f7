import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { exampleGraphs } from '../../src/examples/index.js';
import { sanitizeToolName } from '../../src/mcp/endpoint/index.js';
import { uniqueName } from '../api/graphs.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import { backends } from '../helpers/databases.js';

const mcpUrl = (t: TestApp) => new URL(t.url.replace(/\/graphql$/, '/mcp'));

async function connect(t: TestApp, key?: string): Promise<Client> {
  const client = new Client({ name: 'aef-test', version: '1.0.0' });
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  await client.connect(new StreamableHTTPClientTransport(mcpUrl(t), { requestInit: { headers } }));
  return client;
}

const twoSteps = (): GraphDef => ({
  name: uniqueName('greet me'),
  description: 'Greets, then finishes.',
  nodes: [
    { id: 'greet', tool: 'set_state', config: { values: { greeting: 'hello' } } },
    { id: 'finish', tool: 'set_state', config: { values: { done: true } } },
  ],
  edges: [{ from: 'greet', to: 'finish' }],
  entry: 'greet',
  state: { who: { reducer: 'replace', default: 'nobody' } },
});

const failing = (): GraphDef => ({
  name: uniqueName('fails'),
  nodes: [{ id: 'boom', tool: 'fail', config: { message: 'it broke', retryable: false } }],
  edges: [],
  entry: 'boom',
});

describe('sanitizeToolName', () => {
  it('keeps MCP tool-name characters and replaces the rest', () => {
    expect(sanitizeToolName('code-review.v2_ok')).toBe('code-review.v2_ok');
    expect(sanitizeToolName('greet me / now')).toBe('greet_me___now');
    expect(sanitizeToolName('x'.repeat(200))).toHaveLength(128);
  });
});

for (const { name: backend, skip } of await backends()) {
  describe.skipIf(skip)(`MCP endpoint, AUTH=none (${backend})`, () => {
    let t: TestApp;
    let client: Client;
    beforeAll(async () => {
      t = await createTestApp({ backend });
      await t.listen();
      client = await connect(t);
    });
    afterAll(async () => {
      await client?.close();
      await t?.close();
    });

    it('lists the example graphs as tools', async () => {
      const { tools } = await client.listTools();
      const names = tools.map((tool) => tool.name);
      for (const g of exampleGraphs) expect(names).toContain(sanitizeToolName(g.name));
      for (const tool of tools) expect(tool.inputSchema.type).toBe('object');
    });

    it('runs a graph: progress per succeeded node, the final state as the result', async () => {
      const def = twoSteps();
      await t.app.graphs.create(def);
      const name = sanitizeToolName(def.name);
      const { tools } = await client.listTools();
      const tool = tools.find((x) => x.name === name);
      expect(tool?.description).toContain('Greets, then finishes.');
      expect(tool?.inputSchema.properties).toHaveProperty('who');

      const progress: Progress[] = [];
      const result = (await client.callTool({ name, arguments: { who: 'ada' } }, undefined, {
        onprogress: (p) => progress.push(p),
      })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ who: 'ada', greeting: 'hello', done: true });
      const text = result.content[0];
      expect(text?.type === 'text' && JSON.parse(text.text)).toEqual(result.structuredContent);
      expect(progress.map((p) => p.progress)).toEqual([1, 2]);
      expect(progress.map((p) => p.message)).toEqual([
        expect.stringContaining('"greet"'),
        expect.stringContaining('"finish"'),
      ]);
      const runId = result._meta?.['agent-execution-framework/runId'] as string;
      expect((await t.app.runs.get(runId)).status).toBe('SUCCEEDED');
    });

    it('ends the call when the run is paused, naming the run to unpause', async () => {
      const def: GraphDef = {
        name: uniqueName('slow'),
        nodes: [
          { id: 'wait', tool: 'delay', config: { ms: 400 } },
          { id: 'after', tool: 'set_state', config: { values: { done: true } } },
        ],
        edges: [{ from: 'wait', to: 'after' }],
        entry: 'wait',
      };
      const graph = await t.app.graphs.create(def);
      const call = client.callTool({ name: sanitizeToolName(def.name), arguments: {} });
      const runId = await waitUntil(async () => {
        const data = await t.ok<{
          runs: { edges: Array<{ node: { id: string; status: string } }> };
        }>('query ($g: ID) { runs(graphId: $g, first: 1) { edges { node { id status } } } }', {
          g: graph.id,
        });
        const run = data.runs.edges[0]?.node;
        return run?.status === 'RUNNING' ? run.id : undefined;
      });
      expect((await t.app.runs.pause(runId)).status).toBe('PAUSED');
      const result = (await call) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ status: 'PAUSED', runId, reason: 'user' });
      await t.app.runs.cancel(runId);
    });

    it("returns a failing run's error as an isError result with its code", async () => {
      const def = failing();
      await t.app.graphs.create(def);
      const result = (await client.callTool({
        name: sanitizeToolName(def.name),
        arguments: {},
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toMatchObject({
        error: { code: 'TOOL_FAILED', message: expect.stringContaining('it broke') },
      });
      expect(result.content[0]).toMatchObject({
        type: 'text',
        text: expect.stringMatching(/^TOOL_FAILED: /),
      });
    });

    it('answers 405 to GET (stateless: no stream to open) and 403 to a foreign Origin', async () => {
      expect((await fetch(mcpUrl(t))).status).toBe(405);
      const foreign = await fetch(mcpUrl(t), {
        method: 'POST',
        headers: {
          origin: 'http://evil.example',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(foreign.status).toBe(403);
    });

    it('refuses an unknown tool with a protocol error', async () => {
      await expect(client.callTool({ name: 'no-such-graph', arguments: {} })).rejects.toThrow(
        /Unknown tool/,
      );
    });
  });

  describe.skipIf(skip)(`MCP endpoint, AUTH=apikey (${backend})`, () => {
    let t: TestApp;
    const keys: Record<'writer' | 'reader' | 'other', string> = {
      writer: '',
      reader: '',
      other: '',
    };
    let tool = '';
    beforeAll(async () => {
      t = await createTestApp({ backend, env: { AUTH: 'apikey' } });
      await t.listen();
      keys.writer = (await t.app.apiKeys.create({ tenantId: 'acme', role: 'writer' })).key;
      keys.reader = (await t.app.apiKeys.create({ tenantId: 'acme', role: 'reader' })).key;
      keys.other = (await t.app.apiKeys.create({ tenantId: 'globex', role: 'writer' })).key;
      const def = twoSteps();
      await t.app.graphs.create(def, 'acme');
      tool = sanitizeToolName(def.name);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers 401 without a key or with a bad one', async () => {
      const init = {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      };
      const none = await fetch(mcpUrl(t), init);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      const bad = await fetch(mcpUrl(t), {
        ...init,
        headers: { ...init.headers, authorization: 'Bearer aef_nope' },
      });
      expect(bad.status).toBe(401);
      await expect(connect(t)).rejects.toThrow();
    });

    it('lets a reader list but not call', async () => {
      const client = await connect(t, keys.reader);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((x) => x.name)).toEqual([tool]);
        const result = (await client.callTool({ name: tool, arguments: {} })) as CallToolResult;
        expect(result.isError).toBe(true);
        expect(result.structuredContent).toMatchObject({ error: { code: 'FORBIDDEN' } });
      } finally {
        await client.close();
      }
    });

    it('lets a writer call', async () => {
      const client = await connect(t, keys.writer);
      try {
        const result = (await client.callTool({ name: tool, arguments: {} })) as CallToolResult;
        expect(result.structuredContent).toMatchObject({ who: 'nobody', done: true });
      } finally {
        await client.close();
      }
    });

    it("hides another tenant's graphs: not listed, not callable", async () => {
      const client = await connect(t, keys.other);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((x) => x.name)).not.toContain(tool);
        await expect(client.callTool({ name: tool, arguments: {} })).rejects.toThrow(
          /Unknown tool/,
        );
      } finally {
        await client.close();
      }
    });
  });
}
