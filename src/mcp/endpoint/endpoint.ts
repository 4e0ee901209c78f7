import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { Authenticate } from '../../auth/authenticate.js';
import { type Identity, roleAllows } from '../../auth/identity.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { RunService } from '../../runs/run-service.js';
import { readBody } from '../../server/read-body.js';
import { callGraph, errorResult } from './call.js';
import type { GraphCatalog } from './catalog.js';
import { graphTools } from './tools.js';

/** The path the endpoint answers on (kept: MCP clients are configured with it). */
export const MCP_PATH = '/mcp';

export interface McpEndpointOptions {
  authenticate: Authenticate;
  catalog: GraphCatalog;
  runs: RunService;
  logger: Logger;
  version: string;
  /** Same limit as the GraphQL endpoint's request bodies. */
  maxBodyBytes: number;
  /** Browser origins allowed besides the server's own (DNS-rebinding check of the MCP spec). */
  corsOrigins: readonly string[];
}

export type McpHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const isMcpRequest = (url: string | undefined): boolean =>
  url === MCP_PATH || url?.startsWith(`${MCP_PATH}?`) === true;

function reply(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Saved graphs as MCP tools over Streamable HTTP, stateless: each POST gets its own low-level
 * Server and transport, built for the caller's identity, so the tool list is the caller's
 * tenant's graphs. Listing needs reader, calling writer.
 */
export function createMcpEndpoint(opts: McpEndpointOptions): McpHandler {
  function serverFor(identity: Identity): Server {
    const server = new Server(
      { name: 'agent-execution-framework', version: opts.version },
      {
        capabilities: { tools: {} },
        instructions:
          'Each tool runs one saved graph: arguments are the input, the result its final state.',
      },
    );
    const tools = async () => graphTools(await opts.catalog.list(identity.tenantId));
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [...(await tools()).values()].map((t) => t.tool),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const found = (await tools()).get(request.params.name);
      if (!found)
        throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
      if (!roleAllows(identity.role, 'writer'))
        return errorResult(
          'FORBIDDEN',
          `Role "${identity.role}" may not run graphs: calling a tool needs writer.`,
        );
      const progressToken = request.params._meta?.progressToken;
      return callGraph(found.graph.id, request.params.arguments ?? {}, {
        tenantId: identity.tenantId,
        runs: opts.runs,
        logger: opts.logger,
        ...(progressToken === undefined ? {} : { progressToken }),
        sendNotification: extra.sendNotification,
        signal: extra.signal,
      });
    });
    return server;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!originAllowed(req, opts.corsOrigins)) return reply(res, 403, 'Origin not allowed.');
    let identity: Identity;
    try {
      identity = await opts.authenticate(req.headers.authorization);
    } catch (err) {
      if (err instanceof AppError && err.code === 'UNAUTHENTICATED')
        return reply(res, 401, err.message, { 'www-authenticate': 'Bearer' });
      if (err instanceof AppError && err.code === 'UNAVAILABLE')
        return reply(res, 503, err.message, { 'retry-after': '1' });
      throw err;
    }
    // Stateless: no session, so no GET stream to resume and no DELETE to end one.
    if (req.method !== 'POST')
      return reply(res, 405, 'Method not allowed: this endpoint is stateless (POST only).', {
        allow: 'POST',
      });
    const text = await readBody(req, opts.maxBodyBytes);
    if (text === null) return reply(res, 413, 'Request body too large.');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32700, message: 'Parse error' },
          id: null,
        }),
      );
    }
    const server = serverFor(identity);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  return (req, res) => {
    handle(req, res).catch((err) => {
      opts.logger.error('MCP request failed', { err });
      reply(res, 500, 'Internal error.');
    });
  };
}
