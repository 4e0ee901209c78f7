/**
 * One configured MCP server: started (spawned or connected) lazily on first use, and again on
 * the next call after it died. Uses the official SDK client (stdio and Streamable HTTP).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool as McpToolInfo } from '@modelcontextprotocol/sdk/types.js';
import { isStdio, type McpServerSpec } from './config.js';

/** idle: not started yet; ready: connected; down: was connected and died (next call restarts). */
export type McpServerStatus = 'idle' | 'connecting' | 'ready' | 'down' | 'failed';

export interface McpConnectionOptions {
  /** Version announced to servers. */
  version?: string;
  /** Bound on connecting and listing tools. */
  connectTimeoutMs?: number;
  /** Where a stdio server's stderr goes (default: ignored). */
  stderr?: 'inherit' | 'ignore' | 'pipe';
}

/** The server could not be reached (never started, died, or dropped the call): retryable. */
export class McpUnavailableError extends Error {
  override readonly name = 'McpUnavailableError';
  constructor(
    readonly server: string,
    message: string,
  ) {
    super(message);
  }
}

export class McpConnection {
  status: McpServerStatus = 'idle';
  lastError: string | undefined = undefined;
  private client: Client | undefined = undefined;
  private transport: Transport | undefined = undefined;
  private connecting: Promise<Client> | undefined = undefined;

  constructor(
    readonly name: string,
    readonly spec: McpServerSpec,
    private readonly options: McpConnectionOptions = {},
  ) {}

  get transportKind(): 'stdio' | 'http' {
    return isStdio(this.spec) ? 'stdio' : 'http';
  }

  /** The child's pid for a stdio server that is running (tests kill it). */
  get pid(): number | undefined {
    const t = this.transport;
    return t instanceof StdioClientTransport ? (t.pid ?? undefined) : undefined;
  }

  /** The connected client, starting the server when it is not running. */
  connect(): Promise<Client> {
    if (this.client !== undefined) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    this.status = 'connecting';
    const transport = this.createTransport();
    const client = new Client({
      name: 'agent-execution-framework',
      version: this.options.version ?? '0.1.0',
    });
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.transport = undefined;
      this.status = 'down';
    };
    try {
      await client.connect(transport, { timeout: this.options.connectTimeoutMs ?? 10_000 });
    } catch (err) {
      this.status = 'failed';
      this.lastError = err instanceof Error ? err.message : String(err);
      await client.close().catch(() => undefined);
      throw new McpUnavailableError(
        this.name,
        `MCP server "${this.name}" could not be started: ${this.lastError}`,
      );
    }
    this.client = client;
    this.transport = transport;
    this.status = 'ready';
    this.lastError = undefined;
    return client;
  }

  private createTransport(): Transport {
    const spec = this.spec;
    if (isStdio(spec)) {
      return new StdioClientTransport({
        command: spec.command,
        args: spec.args,
        env: { ...getDefaultEnvironment(), ...spec.env },
        ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
        stderr: this.options.stderr ?? 'ignore',
      });
    }
    return new StreamableHTTPClientTransport(
      new URL(spec.url),
      spec.headers === undefined ? {} : { requestInit: { headers: spec.headers } },
    );
  }

  async listTools(): Promise<McpToolInfo[]> {
    const client = await this.connect();
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, {
        timeout: this.options.connectTimeoutMs ?? 10_000,
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  }

  async callTool(
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    timeoutMs?: number,
  ): Promise<CallToolResult> {
    const client = await this.connect();
    const result = await client.callTool({ name: tool, arguments: args }, undefined, {
      signal,
      ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    });
    return result as CallToolResult;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.transport = undefined;
    if (this.status !== 'failed') this.status = 'idle';
    await client?.close().catch(() => undefined);
  }
}
