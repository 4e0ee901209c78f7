import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { GraphDef, NodeDef } from '../../src/engine/graph.js';
import { fsMcpFolder } from '../mcp/servers.js';
import {
  CREATE_GRAPH,
  createGraph,
  describeBackends,
  type EventData,
  expectError,
  type RunData,
  runToEnd,
  toGraphInput,
  uniqueName,
} from './operations.js';

const CHILDREN = `query($id: ID!) { run(id: $id) { children { status origin state } } }`;
const events = (run: RunData): EventData[] => run.events.edges.map((e) => e.node);
const node = (n: Record<string, unknown>) => n as unknown as NodeDef;

const fsFolder = fsMcpFolder('aef-map-');
const { dir, config: mcpConfig } = fsFolder;
const files = ['a', 'b', 'c', 'd', 'e'].map((name, i) => {
  const path = join(dir, `${name}.txt`);
  writeFileSync(path, `file ${name} ${'x'.repeat(i)}`);
  return path;
});
afterAll(() => fsFolder.remove());

await describeBackends(
  'map nodes over GraphQL',
  (api) => {
    it('reads every file of a list on an MCP server, two at a time, results in list order', async () => {
      const def: GraphDef = {
        name: uniqueName('map-files'),
        nodes: [
          node({
            id: 'read',
            tool: 'fs.read_text_file',
            map: { over: 'state.files', as: 'file', maxConcurrency: 2 },
            inputs: { path: 'file' },
            output: 'texts',
          }),
        ],
        edges: [],
        entry: 'read',
      };
      const graph = await createGraph(api(), def);
      expect(graph.definition).toEqual(def);
      const run = await runToEnd(api(), graph.id, { files });
      expect(run.status).toBe('SUCCEEDED');
      const texts = (run.state as { texts: Array<{ content: string }> }).texts;
      expect(texts.map((t) => t.content)).toEqual([
        'file a ',
        'file b x',
        'file c xx',
        'file d xxx',
        'file e xxxx',
      ]);
      const started = events(run).filter((e) => e.type === 'MAP_ITEM_STARTED');
      expect(started.map((e) => (e.data as { index: number }).index)).toEqual([0, 1, 2, 3, 4]);
      expect(started.every((e) => e.nodeId === 'read')).toBe(true);
      expect(events(run).filter((e) => e.type === 'MAP_ITEM_SUCCEEDED')).toHaveLength(5);
    });

    it('runs a sub-graph per item: one child run each, their final states gathered', async () => {
      const t = api();
      const child: GraphDef = {
        name: uniqueName('map-child'),
        entry: 'add',
        nodes: [{ id: 'add', tool: 'increment', config: { key: 'n', by: 10 } }],
        edges: [],
      };
      await createGraph(t, child);
      const parent = await createGraph(t, {
        name: uniqueName('map-parent'),
        entry: 'each',
        nodes: [
          node({
            id: 'each',
            graph: child.name,
            map: { over: 'state.numbers' },
            inputs: { n: 'item' },
            output: 'sums',
          }),
        ],
        edges: [],
      });
      const run = await runToEnd(t, parent.id, { numbers: [1, 2, 3] });
      expect(run.status).toBe('SUCCEEDED');
      expect(run.state).toMatchObject({ sums: [{ n: 11 }, { n: 12 }, { n: 13 }] });
      const links = await t.ok<{ run: { children: Array<{ status: string; origin: string }> } }>(
        CHILDREN,
        { id: run.id },
      );
      expect(links.run.children).toHaveLength(3);
      expect(links.run.children.every((c) => c.status === 'SUCCEEDED')).toBe(true);
    });

    it('fails MAP_NOT_A_LIST when over is not a list, and refuses a map without output', async () => {
      const t = api();
      const graph = await createGraph(t, {
        name: uniqueName('map-bad'),
        nodes: [node({ id: 'm', tool: 'set_state', map: { over: 'state.list' }, output: 'out' })],
        edges: [],
        entry: 'm',
      });
      const run = await runToEnd(t, graph.id, { list: 'not a list' });
      expect(run.status).toBe('FAILED');
      expect(run.error).toMatchObject({ code: 'MAP_NOT_A_LIST', nodeId: 'm' });
      const res = await t.gql(CREATE_GRAPH, {
        input: toGraphInput({
          name: uniqueName('map-no-output'),
          nodes: [node({ id: 'm', tool: 'set_state', map: { over: 'state.list' } })],
          edges: [],
          entry: 'm',
        }),
      });
      expect(expectError(res, 'GRAPH_INVALID').extensions?.issues).toEqual([
        expect.objectContaining({ path: 'nodes[0].output', code: 'INVALID_MAP' }),
      ]);
    });
  },
  { MCP_CONFIG: mcpConfig },
);
