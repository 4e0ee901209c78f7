/** Real MCP servers from npm for the tests: filesystem (stdio) and everything (Streamable HTTP or stdio). */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const binOf = (pkg: string) =>
  join(dirname(require.resolve(`${pkg}/package.json`)), 'dist', 'index.js');

export const FILESYSTEM_BIN = binOf('@modelcontextprotocol/server-filesystem');
export const EVERYTHING_BIN = binOf('@modelcontextprotocol/server-everything');

/**
 * A temporary folder with an MCP_CONFIG file in it that serves the folder through the filesystem
 * server as `fs` (tools `fs.read_text_file`, `fs.write_file`...); `remove` deletes both.
 */
export function fsMcpFolder(prefix: string): { dir: string; config: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = join(dir, 'mcp.json');
  writeFileSync(
    config,
    JSON.stringify({
      mcpServers: { fs: { command: process.execPath, args: [FILESYSTEM_BIN, dir] } },
    }),
  );
  return { dir, config, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the everything server in Streamable HTTP mode; resolves once it listens. */
export async function startEverythingHttp(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING_BIN, 'streamableHttp'], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('everything server did not start')), 15_000);
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`everything server exited (${code}): ${text}`));
    });
  });
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}
