import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { ToolModuleError, type ToolModuleErrorCode } from '../../src/tools/load-modules.js';

const dir = mkdtempSync(join(tmpdir(), 'aef-tool-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const defineToolUrl = pathToFileURL(
  join(import.meta.dirname, '../../src/tools/define-tool.ts'),
).href;
const zodUrl = pathToFileURL(join(import.meta.dirname, '../../node_modules/zod/index.js')).href;

/** Writes a module into the temp dir and returns its absolute path. */
function module(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

/** A tool as a plain object (what defineTool returns), for modules that import nothing. */
const plainTool = (name: string) =>
  `{ name: '${name}', description: 'd', config: { safeParse: (v) => ({ success: true, data: v }) }, run: () => ({ '${name}': true }) }`;

function start(toolModules: string[], env: Record<string, string> = {}) {
  const config = loadConfig({
    DATABASE_URL: `file:${join(dir, `${Math.random().toString(36).slice(2)}.db`)}`,
    LOG_LEVEL: 'silent',
    TOOL_MODULES: toolModules.join(','),
    ...env,
  });
  return buildApp(config, { logger: silentLogger });
}

async function refusal(toolModules: string[]): Promise<ToolModuleError> {
  const err = await start(toolModules).then(
    async (app) => {
      await app.stop();
      throw new Error('the app started');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolModuleError);
  return err as ToolModuleError;
}

function expectRefusal(err: ToolModuleError, code: ToolModuleErrorCode, module: string) {
  expect(err.code).toBe(code);
  expect(err.module).toBe(module);
  expect(err.message).toContain(code);
  expect(err.message).toContain(`"${module}"`);
}

describe('TOOL_MODULES', () => {
  it('reads a comma-separated list, blanks ignored', () => {
    expect(loadConfig({ TOOL_MODULES: ' ./a.js, ,b-package ' }).toolModules).toEqual([
      './a.js',
      'b-package',
    ]);
    expect(loadConfig({}).toolModules).toEqual([]);
  });

  it('registers every exported tool (named, default, arrays) and runs it in a graph', async () => {
    const path = module(
      'word-tools.mjs',
      `import { z } from '${zodUrl}';
import { defineTool } from '${defineToolUrl}';
export const wordCount = defineTool({
  name: 'word_count',
  description: 'Counts the words of state.text',
  config: z.object({ key: z.string().default('words') }),
  run: ({ state, config }) => ({ [config.key]: String(state.text ?? '').split(/\\s+/).filter(Boolean).length }),
});
export const more = [${plainTool('listed_a')}, ${plainTool('listed_b')}];
export default [wordCount];
export const notATool = 42;
`,
    );
    const app = await start([path]);
    try {
      await app.graphs.create({
        name: 'words',
        nodes: [
          { id: 'count', tool: 'word_count', config: { key: 'n' } },
          { id: 'a', tool: 'listed_a' },
        ],
        edges: [{ from: 'count', to: 'a' }],
        entry: 'count',
      });
      const res = await app.yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ tools { name configSchema } }' }),
      });
      const body = (await res.json()) as {
        data: { tools: Array<{ name: string; configSchema: { properties?: object } }> };
      };
      const names = body.data.tools;
      expect(names.map((t) => t.name)).toEqual(
        expect.arrayContaining(['word_count', 'listed_a', 'listed_b', 'increment']),
      );
      expect(names.find((t) => t.name === 'word_count')?.configSchema.properties).toHaveProperty(
        'key',
      );
    } finally {
      await app.stop();
    }
  });

  it('resolves a relative path against the working directory', async () => {
    const path = module('relative.mjs', `export const t = ${plainTool('relative_tool')};`);
    const rel = relative(process.cwd(), path);
    const spec = rel.startsWith('.') ? rel : `./${rel}`;
    const app = await start([spec]);
    try {
      expect(app.graphs).toBeDefined();
    } finally {
      await app.stop();
    }
  });

  it('refuses a module that exports no tool, naming its exports', async () => {
    const path = module('empty.mjs', 'export const answer = 42; export function helper() {}');
    const err = await refusal([path]);
    expectRefusal(err, 'TOOL_MODULE_NO_TOOLS', path);
    expect(err.message).toContain('answer, helper');
  });

  it('refuses a tool whose name a built-in tool has', async () => {
    const path = module('dup-builtin.mjs', `export const t = ${plainTool('increment')};`);
    const err = await refusal([path]);
    expectRefusal(err, 'TOOL_MODULE_DUPLICATE_TOOL', path);
    expect(err.message).toContain('"increment"');
  });

  it('refuses a tool whose name another module has, naming both modules', async () => {
    const first = module('dup-1.mjs', `export const t = ${plainTool('shared_name')};`);
    const second = module('dup-2.mjs', `export const t = ${plainTool('shared_name')};`);
    const err = await refusal([first, second]);
    expectRefusal(err, 'TOOL_MODULE_DUPLICATE_TOOL', second);
    expect(err.message).toContain(`module "${first}"`);
  });

  it('refuses a tool whose config is not a schema', async () => {
    const path = module(
      'bad-schema.mjs',
      `export const t = { name: 'bad_schema', description: 'd', config: { type: 'object' }, run: () => ({}) };`,
    );
    const err = await refusal([path]);
    expectRefusal(err, 'TOOL_MODULE_INVALID_TOOL', path);
    expect(err.message).toContain('config is not a schema');
  });

  it('refuses a tool with an invalid name', async () => {
    const path = module('bad-name.mjs', `export const t = ${plainTool('has space')};`);
    expectRefusal(await refusal([path]), 'TOOL_MODULE_INVALID_TOOL', path);
  });

  it('refuses a module that does not exist', async () => {
    expectRefusal(
      await refusal(['./no-such-tools.js']),
      'TOOL_MODULE_NOT_FOUND',
      './no-such-tools.js',
    );
    expectRefusal(
      await refusal(['no-such-package-aef']),
      'TOOL_MODULE_NOT_FOUND',
      'no-such-package-aef',
    );
  });

  it('refuses a module whose import throws', async () => {
    const path = module('throws.mjs', `throw new Error('boom at load');`);
    const err = await refusal([path]);
    expectRefusal(err, 'TOOL_MODULE_LOAD_FAILED', path);
    expect(err.message).toContain('boom at load');
  });

  it('stops before the database is opened', async () => {
    const db = join(dir, 'untouched.db');
    const path = module('empty-2.mjs', 'export const nothing = null;');
    await expect(
      buildApp(loadConfig({ DATABASE_URL: `file:${db}`, TOOL_MODULES: path }), {
        logger: silentLogger,
      }),
    ).rejects.toThrow(ToolModuleError);
    expect(existsSync(db)).toBe(false);
  });
});

describe('buildApp tools and examples options', () => {
  it('registers embedded tools and leaves the examples out with examples: false', async () => {
    const app = await buildApp(
      loadConfig({ DATABASE_URL: `file:${join(dir, 'embedded.db')}`, LOG_LEVEL: 'silent' }),
      {
        logger: silentLogger,
        examples: false,
        tools: [
          {
            name: 'embedded',
            description: 'd',
            config: { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
            run: () => ({ embedded: true }),
          },
        ],
      },
    );
    try {
      const graph = await app.graphs.create({
        name: 'e',
        nodes: [{ id: 'x', tool: 'embedded' }],
        edges: [],
        entry: 'x',
      });
      await expect(
        app.graphs.create({
          name: 'x',
          nodes: [{ id: 'a', tool: 'lint_files' }],
          edges: [],
          entry: 'a',
        }),
      ).rejects.toThrow(/lint_files/);
      expect(await app.db.prisma.graph.count()).toBe(1); // no example graph seeded
      const run = await app.runs.start(graph.id, {});
      await app.runs.waitFor(run.id);
      const done = await app.store.getRun(run.id);
      expect(done?.status).toBe('SUCCEEDED');
      expect(done?.state).toMatchObject({ embedded: true });
    } finally {
      await app.stop();
    }
  });
});
