import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySink, type EventSink, type RunEvent } from '../../src/engine/events.js';
import type { GraphDef } from '../../src/engine/graph.js';
import { compileGraphOrThrow, executeRun, validateGraph } from '../../src/engine/index.js';
import {
  connectMcpServers,
  type McpToolProvider,
  parseMcpConfig,
} from '../../src/mcp/client/index.js';
import { createToolRegistry, type ToolRegistry } from '../../src/tools/index.js';
import { EVERYTHING_BIN, FILESYSTEM_BIN, startEverythingHttp } from './servers.js';

let dir: string;
let everything: { url: string; child: ChildProcess };
let mcp: McpToolProvider;
let tools: ToolRegistry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aef-mcp-'));
  everything = await startEverythingHttp();
  const config = parseMcpConfig({
    mcpServers: {
      fs: { command: process.execPath, args: [FILESYSTEM_BIN, dir] },
      every: { url: everything.url },
      slow: { command: process.execPath, args: [EVERYTHING_BIN, 'stdio'] },
      broken: { command: process.execPath, args: ['-e', 'process.exit(3)'] },
    },
  });
  mcp = await connectMcpServers(config, { connectTimeoutMs: 15_000 });
  tools = createToolRegistry(mcp.tools).explainMissing((n) => mcp.missingReason(n));
}, 60_000);

afterAll(async () => {
  await mcp?.close();
  everything?.child.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(
  def: GraphDef,
  input: Record<string, unknown>,
  sink: EventSink & { events: RunEvent[] } = createMemorySink(),
) {
  const graph = compileGraphOrThrow(def, tools);
  const result = await executeRun({ runId: `r-${Math.random()}`, graph, sink, input });
  return { result, events: sink.events };
}

describe('MCP servers as tool providers', () => {
  it('lists MCP tools as <server>.<tool> with source, server, status and the MCP input schema', () => {
    const list = tools.list();
    const write = list.find((t) => t.name === 'fs.write_file');
    expect(write).toMatchObject({ source: 'MCP', server: 'fs', status: 'ready' });
    expect(write?.inputSchema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['path', 'content']),
    });
    expect(list.some((t) => t.name === 'every.echo')).toBe(true);
    expect(mcp.servers().find((s) => s.name === 'broken')).toMatchObject({
      status: 'failed',
      tools: [],
    });
  });

  it('fails validation naming the server whose start failed', () => {
    const issues = validateGraph(
      { name: 'g', nodes: [{ id: 'a', tool: 'broken.anything' }], edges: [], entry: 'a' },
      tools,
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'UNKNOWN_TOOL',
        message: expect.stringContaining('MCP server "broken" failed to start'),
      }),
    ]);
  });

  it('runs a graph that writes then reads a file over stdio and echoes over Streamable HTTP', async () => {
    const { result, events } = await run(
      {
        name: 'mcp',
        nodes: [
          {
            id: 'write',
            tool: 'fs.write_file',
            inputs: { path: 'state.file', content: '"hello " + state.who' },
            output: { wrote: 'content' },
          },
          {
            id: 'read',
            tool: 'fs.read_text_file',
            inputs: { path: 'state.file' },
            output: { text: 'content' },
          },
          { id: 'echo', tool: 'every.echo', inputs: { message: 'state.text' }, output: 'echoed' },
        ],
        edges: [
          { from: 'write', to: 'read' },
          { from: 'read', to: 'echo' },
        ],
        entry: 'write',
      },
      { file: join(dir, 'note.txt'), who: 'mcp' },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(readFileSync(join(dir, 'note.txt'), 'utf8')).toBe('hello mcp');
    expect(result.state).toMatchObject({ text: 'hello mcp', echoed: 'Echo: hello mcp' });
    expect(result.state.wrote).toMatch(/Successfully wrote/);
    expect(events.map((e) => ('nodeId' in e ? `${e.type} ${e.nodeId}` : e.type))).toEqual([
      'RUN_STARTED',
      'NODE_STARTED write',
      'NODE_SUCCEEDED write',
      'NODE_STARTED read',
      'NODE_SUCCEEDED read',
      'NODE_STARTED echo',
      'NODE_SUCCEEDED echo',
      'RUN_SUCCEEDED',
    ]);
    const echo = events.find((e) => e.type === 'NODE_SUCCEEDED' && e.nodeId === 'echo');
    expect((echo?.data as { patch: unknown } | undefined)?.patch).toEqual({
      echoed: 'Echo: hello mcp',
    });
  });

  it('rejects node inputs that do not fit the MCP inputSchema before calling the server', async () => {
    const { result, events } = await run(
      {
        name: 'g',
        nodes: [{ id: 'e', tool: 'every.echo', inputs: { message: '42' } }],
        edges: [],
        entry: 'e',
      },
      {},
    );
    expect(result.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('message'),
    });
    expect(events.filter((e) => e.type === 'NODE_STARTED')).toHaveLength(1);
  });

  it('turns an MCP error result into a node failure with its message (not retried)', async () => {
    const { result, events } = await run(
      {
        name: 'g',
        nodes: [
          {
            id: 'r',
            tool: 'fs.read_text_file',
            inputs: { path: '"/etc/passwd"' },
            retry: { maxAttempts: 3 },
          },
        ],
        edges: [],
        entry: 'r',
      },
      {},
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({
      code: 'MCP_ERROR',
      nodeId: 'r',
      message: expect.stringMatching(/denied|outside/i),
    });
    expect(events.filter((e) => e.type === 'NODE_STARTED')).toHaveLength(1);
  });

  it('fails the attempt retryably when the server is killed mid-call, and the retry restarts it', async () => {
    const conn = mcp.connections.get('slow')!;
    const sink = createMemorySink();
    let killed: number | undefined;
    const emit = sink.emit;
    sink.emit = (e) => {
      emit(e);
      if (e.type === 'NODE_STARTED' && e.attempt === 1) {
        setTimeout(() => {
          killed = conn.pid;
          if (killed !== undefined) process.kill(killed, 'SIGKILL');
        }, 300);
      }
    };
    const { result, events } = await run(
      {
        name: 'g',
        nodes: [
          {
            id: 'long',
            tool: 'slow.trigger-long-running-operation',
            inputs: { duration: '1', steps: '1' },
            retry: { maxAttempts: 2, initialDelayMs: 10, jitter: false },
            output: 'text',
          },
        ],
        edges: [],
        entry: 'long',
      },
      {},
      sink,
    );
    expect(killed).toBeTypeOf('number');
    expect(events.map((e) => e.type)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED',
      'NODE_RETRYING',
      'NODE_STARTED',
      'NODE_SUCCEEDED',
      'RUN_SUCCEEDED',
    ]);
    const retrying = events.find((e) => e.type === 'NODE_RETRYING');
    expect((retrying?.data as { error: { code: string } } | undefined)?.error.code).toBe(
      'MCP_SERVER_UNAVAILABLE',
    );
    expect(result.state.text).toMatch(/Long running operation completed/);
    expect(conn.pid).not.toBe(killed);
    expect(conn.status).toBe('ready');
  }, 30_000);
});
