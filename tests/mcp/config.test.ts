import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadMcpConfigFile, parseMcpConfig } from '../../src/mcp/client/index.js';

const dir = mkdtempSync(join(tmpdir(), 'aef-mcp-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('MCP_CONFIG', () => {
  it('reads MCP_CONFIG from the environment', () => {
    expect(loadConfig({ MCP_CONFIG: '/x/mcp.json' }).mcpConfig).toBe('/x/mcp.json');
    expect(loadConfig({}).mcpConfig).toBeUndefined();
  });

  it('parses stdio and Streamable HTTP servers in the mcpServers format', () => {
    const config = parseMcpConfig({
      mcpServers: {
        fs: { command: 'npx', args: ['-y', 'pkg'], env: { A: '1' } },
        web: { url: 'https://example.com/mcp' },
      },
    });
    expect(config.mcpServers.fs).toMatchObject({
      command: 'npx',
      args: ['-y', 'pkg'],
      env: { A: '1' },
    });
    expect(config.mcpServers.web).toMatchObject({ url: 'https://example.com/mcp' });
  });

  it('refuses bad server names and entries, naming them', () => {
    expect(() => parseMcpConfig({ mcpServers: { 'a.b': { command: 'x' } } })).toThrow(/a\.b/);
    expect(() => parseMcpConfig({ mcpServers: { s: { args: [] } } })).toThrow(/mcpServers\.s/);
  });

  it('uses ./mcp.json only when it exists, and fails on a named file that is missing', () => {
    expect(loadMcpConfigFile(undefined, dir)).toBeUndefined();
    writeFileSync(join(dir, 'mcp.json'), JSON.stringify({ mcpServers: { s: { command: 'x' } } }));
    expect(loadMcpConfigFile(undefined, dir)?.mcpServers.s).toMatchObject({
      command: 'x',
      args: [],
    });
    expect(() => loadMcpConfigFile('nope.json', dir)).toThrow(/cannot be read/);
  });
});
