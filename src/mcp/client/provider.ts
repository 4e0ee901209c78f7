/**
 * MCP servers as tool providers. At start every configured server is connected (concurrently)
 * and its tools listed: graph validation is synchronous and must know tool names and input
 * schemas when a graph is saved. A server that fails then is logged and marked failed; its
 * tools stay unknown and graphs naming them fail validation with an issue naming the server.
 * Afterwards a server that dies is restarted by the next call (McpConnection.connect).
 */

import type { CallToolResult, Tool as McpToolInfo } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { EngineError } from '../../engine/errors.js';
import type { Patch } from '../../engine/graph.js';
import type { Tool, ToolContext } from '../../engine/tool.js';
import type { Logger } from '../../logger.js';
import type { ToolOrigin } from '../../tools/registry.js';
import type { McpConfig } from './config.js';
import { McpConnection, type McpConnectionOptions, McpUnavailableError } from './connection.js';
import { jsonSchemaPort } from './json-schema.js';

export type McpTool = Tool<unknown> & { readonly origin: ToolOrigin };

export interface McpServerInfo {
  name: string;
  transport: 'stdio' | 'http';
  status: string;
  error: string | undefined;
  tools: string[];
}

export interface McpToolProvider {
  readonly tools: readonly McpTool[];
  readonly connections: ReadonlyMap<string, McpConnection>;
  servers(): McpServerInfo[];
  /** Why `<server>.<tool>` is unknown: the server failed at start, or has no such tool. */
  missingReason(name: string): string | undefined;
  /** Tries the servers that failed to start again; returns the tools they brought. */
  retryFailed(): Promise<McpTool[]>;
  close(): Promise<void>;
}

/** A non-retryable MCP answer: the tool said isError, or the server answered a JSON-RPC error. */
export class McpToolError extends EngineError {
  readonly retryable = false;
}

const noConfig = z.strictObject({});

/**
 * The SDK's own request timeout (60 s by default) would cut a long tool call short of the node's
 * `timeoutMs`: the node's signal (its timeoutMs, a cancel, the run's maxDurationMs) bounds a call,
 * so the SDK's is set out of the way.
 */
const CALL_TIMEOUT_MS = 24 * 3_600_000;

export async function connectMcpServers(
  config: McpConfig,
  options: McpConnectionOptions & { logger?: Logger } = {},
): Promise<McpToolProvider> {
  const connections = new Map<string, McpConnection>();
  const listed = new Map<string, string[]>();
  const tools: McpTool[] = [];
  /** Connects one server and lists its tools; false (logged) when it fails. */
  async function start(conn: McpConnection, added: McpTool[]): Promise<boolean> {
    try {
      const infos = await conn.listTools();
      listed.set(conn.name, infos.map((t) => t.name).sort());
      for (const info of infos) added.push(mcpTool(conn, info));
      conn.lastError = undefined;
      options.logger?.info('MCP server connected', { server: conn.name, tools: infos.length });
      return true;
    } catch (err) {
      conn.status = 'failed';
      conn.lastError ??= err instanceof Error ? err.message : String(err);
      await conn.close();
      return false;
    }
  }
  await Promise.all(
    Object.entries(config.mcpServers).map(async ([name, spec]) => {
      const conn = new McpConnection(name, spec, options);
      connections.set(name, conn);
      if (!(await start(conn, tools)))
        options.logger?.warn('MCP server failed to start; its tools are unknown until it does', {
          server: name,
          error: conn.lastError,
        });
    }),
  );
  tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    tools,
    connections,
    servers: () =>
      [...connections.values()].map((c) => ({
        name: c.name,
        transport: c.transportKind,
        status: c.status,
        error: c.lastError,
        tools: listed.get(c.name) ?? [],
      })),
    missingReason(name) {
      const dot = name.indexOf('.');
      if (dot < 0) return undefined;
      const server = name.slice(0, dot);
      const conn = connections.get(server);
      if (conn === undefined) return undefined;
      if (!listed.has(server)) {
        return `MCP server "${server}" failed to start (${conn.lastError ?? 'unknown error'}), so its tool "${name.slice(dot + 1)}" is unknown; it is retried every MCP_RETRY_MS, or fix it in MCP_CONFIG`;
      }
      return `MCP server "${server}" has no tool "${name.slice(dot + 1)}"; it has: ${(listed.get(server) ?? []).join(', ')}`;
    },
    async retryFailed() {
      const added: McpTool[] = [];
      for (const conn of connections.values()) {
        if (listed.has(conn.name)) continue;
        conn.status = 'idle';
        conn.lastError = undefined;
        await start(conn, added);
      }
      tools.push(...added);
      return added;
    },
    async close() {
      await Promise.all([...connections.values()].map((c) => c.close()));
    },
  };
}

function mcpTool(conn: McpConnection, info: McpToolInfo): McpTool {
  const name = `${conn.name}.${info.name}`;
  const inputSchema = info.inputSchema as Record<string, unknown>;
  const origin: ToolOrigin = {
    kind: 'MCP',
    server: conn.name,
    status: () => conn.status,
    inputSchema,
  };
  return Object.freeze({
    name,
    description: info.description ?? info.title ?? `MCP tool ${info.name} of server ${conn.name}`,
    config: noConfig,
    input: jsonSchemaPort(inputSchema),
    origin,
    async run(ctx: ToolContext<unknown>): Promise<Patch> {
      let result: CallToolResult;
      try {
        result = await conn.callTool(info.name, { ...ctx.input }, ctx.signal, CALL_TIMEOUT_MS);
      } catch (err) {
        throw callError(err, conn.name, info.name, ctx.signal);
      }
      if (result.isError === true) {
        throw new McpToolError(
          'MCP_ERROR',
          `MCP tool ${name} failed: ${textOf(result) || 'isError result without text'}`,
          undefined,
          { server: conn.name, tool: info.name, isError: true },
        );
      }
      // Any JSON value: nodes place it with `output` (a non-object without `output` is INVALID_PATCH).
      return resultValue(result) as Patch;
    },
  });
}

/** structuredContent when present, else the text content joined with newlines. */
export function resultValue(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  return textOf(result);
}

function textOf(result: CallToolResult): string {
  return (result.content ?? [])
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

function callError(err: unknown, server: string, tool: string, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason ?? err; // a timeout or cancel: the engine's error
  if (err instanceof McpUnavailableError) {
    return new EngineError('MCP_SERVER_UNAVAILABLE', err.message, undefined, { server, tool });
  }
  if (err instanceof McpError) {
    if (err.code === ErrorCode.ConnectionClosed || err.code === ErrorCode.RequestTimeout) {
      return new EngineError(
        'MCP_SERVER_UNAVAILABLE',
        `MCP server "${server}" dropped the call to ${tool}: ${err.message}`,
        undefined,
        { server, tool, mcpCode: err.code },
      );
    }
    return new McpToolError(
      'MCP_ERROR',
      `MCP tool ${server}.${tool} failed: ${err.message}`,
      undefined,
      {
        server,
        tool,
        mcpCode: err.code,
        ...(err.data === undefined ? {} : { data: err.data }),
      },
    );
  }
  // Transport failures (fetch failed, EPIPE, a dead child): the server is down; retryable.
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError(
    'MCP_SERVER_UNAVAILABLE',
    `MCP server "${server}" is unavailable: ${message}`,
    undefined,
    { server, tool },
  );
}
