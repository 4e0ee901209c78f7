import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { fsMcpFolder } from '../mcp/servers.js';
import {
  CREATE_GRAPH,
  createGraph,
  describeBackends,
  expectError,
  runToEnd,
  toGraphInput,
  typesOf,
  uniqueName,
} from './operations.js';

const fsFolder = fsMcpFolder('aef-node-io-');
const { dir, config: mcpConfig } = fsFolder;
afterAll(() => fsFolder.remove());

await describeBackends(
  'node inputs and output over GraphQL',
  (api) => {
    it('creates a graph with inputs/output (MCP tools and in-process ones) and runs it', async () => {
      const def: GraphDef = {
        name: uniqueName('node-io'),
        nodes: [
          {
            id: 'seed',
            tool: 'set_state',
            config: { values: { n: 2, who: 'api' } },
            output: { seeded: 'who' },
          },
          {
            id: 'write',
            tool: 'fs.write_file',
            inputs: { path: `"${join(dir, 'api.txt')}"`, content: '"n=" + string(state.n)' },
            output: { wrote: 'content' },
          },
          {
            id: 'read',
            tool: 'fs.read_text_file',
            inputs: { path: `"${join(dir, 'api.txt')}"` },
            output: { texts: 'content' },
          },
        ],
        edges: [
          { from: 'seed', to: 'write' },
          { from: 'write', to: 'read' },
        ],
        entry: 'seed',
        state: { texts: { reducer: 'append', default: [] } },
      };
      const graph = await createGraph(api(), def);
      expect(graph.definition).toEqual(def);
      const run = await runToEnd(api(), graph.id, { n: 7 });
      expect(run.status).toBe('SUCCEEDED');
      // set_state's result is mapped by output: only `seeded` lands, so n stays the run input.
      expect(run.state).toMatchObject({ n: 7, seeded: 'api', texts: ['n=7'] });
      expect(run.state).not.toHaveProperty('who');
      expect(typesOf(run).filter((t) => t === 'NODE_SUCCEEDED')).toHaveLength(3);
    });

    it('reports inputs that do not compile with their path', async () => {
      const def: GraphDef = {
        name: uniqueName('bad-io'),
        nodes: [{ id: 'a', tool: 'fs.read_text_file', inputs: { path: 'state.p +' } }],
        edges: [],
        entry: 'a',
      };
      const res = await api().gql(CREATE_GRAPH, { input: toGraphInput(def) });
      const issues = expectError(res, 'GRAPH_INVALID').extensions?.issues;
      expect(issues).toEqual([
        expect.objectContaining({ path: 'nodes[0].inputs.path', code: 'INVALID_INPUT' }),
      ]);
    });

    it('lists MCP tools with their source, server and status', async () => {
      const data = await api().ok<{ tools: Array<Record<string, unknown>> }>(
        '{ tools { name source server status inputSchema } }',
      );
      expect(data.tools.find((t) => t.name === 'fs.read_text_file')).toMatchObject({
        source: 'MCP',
        server: 'fs',
        status: expect.stringMatching(/ready|idle|down/),
        inputSchema: expect.objectContaining({ type: 'object' }),
      });
      expect(data.tools.find((t) => t.name === 'set_state')).toMatchObject({
        source: 'IN_PROCESS',
        server: null,
      });
    });
  },
  { MCP_CONFIG: mcpConfig },
);
