/**
 * MCP_CONFIG: the servers whose tools are registered, in the format MCP clients use:
 * `{ "mcpServers": { "fs": { "command": "npx", "args": [...], "env": {...} }, "x": { "url": "https://..." } } }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const SERVER_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

const stdioServer = z.strictObject({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});

const httpServer = z.strictObject({
  type: z.enum(['http', 'streamable-http', 'streamableHttp']).optional(),
  url: z.url(),
  headers: z.record(z.string(), z.string()).optional(),
});

export const mcpConfigSchema = z.object({
  mcpServers: z.record(
    z.string().regex(SERVER_NAME, 'server names are ids: letters, digits, _ or - (max 64)'),
    z.union([stdioServer, httpServer]),
  ),
});

export type McpConfig = z.output<typeof mcpConfigSchema>;
export type McpServerSpec = McpConfig['mcpServers'][string];
export type StdioServerSpec = z.output<typeof stdioServer>;

export function isStdio(spec: McpServerSpec): spec is StdioServerSpec {
  return 'command' in spec;
}

/** Parses a config object; throws an Error naming every problem. */
export function parseMcpConfig(value: unknown, source = 'MCP config'): McpConfig {
  const parsed = mcpConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const list = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new Error(`${source} is invalid: ${list.join('; ')}`);
}

/**
 * The file named by MCP_CONFIG, else ./mcp.json when it exists; undefined when neither.
 * A file named explicitly that is missing or invalid throws (a typo must not start silently).
 */
export function loadMcpConfigFile(
  path: string | undefined,
  cwd = process.cwd(),
): McpConfig | undefined {
  const file = resolve(cwd, path ?? 'mcp.json');
  if (path === undefined && !existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`MCP_CONFIG ${file} cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`MCP_CONFIG ${file} is not JSON: ${(err as Error).message}`);
  }
  return parseMcpConfig(json, `MCP_CONFIG ${file}`);
}
