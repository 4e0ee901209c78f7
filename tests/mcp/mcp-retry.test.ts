import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import {
  connectMcpServers,
  type McpToolProvider,
  parseMcpConfig,
} from '../../src/mcp/client/index.js';
import { FILESYSTEM_BIN } from './servers.js';

const dir = mkdtempSync(join(tmpdir(), 'aef-mcp-retry-'));
let mcp: McpToolProvider | undefined;
afterAll(async () => {
  await mcp?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a server that failed to start is tried again, and its tools come with it', async () => {
  // The server's command does not exist yet: the start fails.
  const script = join(dir, 'start-fs.sh');
  mcp = await connectMcpServers(
    parseMcpConfig({ mcpServers: { late: { command: script, args: [] } } }),
    {
      connectTimeoutMs: 15_000,
    },
  );
  expect(mcp.tools).toHaveLength(0);
  expect(mcp.servers()[0]).toMatchObject({ name: 'late', status: 'failed', tools: [] });
  expect(mcp.missingReason('late.read_text_file')).toMatch(
    /failed to start .*retried every MCP_RETRY_MS/,
  );
  expect(await mcp.retryFailed()).toEqual([]); // still missing: still failed, nothing added
  expect(mcp.servers()[0]?.status).toBe('failed');

  writeFileSync(script, `#!/bin/sh\nexec "${process.execPath}" "${FILESYSTEM_BIN}" "${dir}"\n`);
  chmodSync(script, 0o755);
  const added = await mcp.retryFailed();
  expect(added.map((t) => t.name)).toContain('late.read_text_file');
  expect(mcp.tools.map((t) => t.name)).toContain('late.read_text_file');
  expect(mcp.servers()[0]).toMatchObject({ status: 'ready', error: undefined });
  expect(mcp.missingReason('late.nope')).toMatch(/has no tool "nope"/);
  expect(await mcp.retryFailed()).toEqual([]); // nothing failed any more
}, 60_000);
