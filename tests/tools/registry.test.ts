import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinTools, createBuiltinRegistry } from '../../src/tools/builtin.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { genericTools } from '../../src/tools/generic/index.js';
import { createToolRegistry, DuplicateToolError } from '../../src/tools/registry.js';

const echo = defineTool({
  name: 'echo',
  description: 'Returns its config',
  config: z.object({ text: z.string(), times: z.number().int().default(2) }),
  run: ({ config }) => ({ echoed: config.text.repeat(config.times) }),
});

describe('defineTool', () => {
  it('parses config with defaults and types run with the schema output', async () => {
    const parsed = echo.config.safeParse({ text: 'ab' });
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data).toEqual({ text: 'ab', times: 2 });
  });

  it('rejects any config for a tool declared without one', () => {
    const bare = defineTool({ name: 'bare', description: 'd', run: () => undefined });
    expect(bare.config.safeParse({}).success).toBe(true);
    expect(bare.config.safeParse({ unexpected: 1 }).success).toBe(false);
  });
});

describe('createToolRegistry', () => {
  it('rejects a duplicate name with an error naming the tool', () => {
    const registry = createToolRegistry([echo]);
    expect(() => registry.register(echo)).toThrow(DuplicateToolError);
    expect(() => registry.register(echo)).toThrow(/"echo" is already registered/);
    expect(() => createToolRegistry([echo, echo])).toThrow(DuplicateToolError);
  });

  it('rejects a name a graph node could not refer to', () => {
    const bad = defineTool({ name: 'has space', description: 'd', run: () => undefined });
    expect(() => createToolRegistry([bad])).toThrow(/Invalid tool name/);
  });

  it('resolves tools by name and misses unknown ones', () => {
    const registry = createToolRegistry([echo]);
    expect(registry.get('echo')).toBe(echo);
    expect(registry.has('echo')).toBe(true);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('lists tools sorted by name with their config as JSON Schema including defaults', () => {
    const registry = createToolRegistry([
      echo,
      defineTool({ name: 'a_tool', description: 'A', run: () => {} }),
    ]);
    const list = registry.list();
    expect(list.map((t) => t.name)).toEqual(['a_tool', 'echo']);
    const schema = list[1]!.configSchema as {
      type: string;
      properties: Record<string, { type: string; default?: unknown }>;
      required?: string[];
    };
    expect(schema.type).toBe('object');
    expect(schema.properties.times).toMatchObject({ type: 'integer', default: 2 });
    expect(schema.properties.text).toMatchObject({ type: 'string' });
    // Input side: a field with a default is optional for the user.
    expect(schema.required).toEqual(['text']);
    expect(list[0]!.configSchema).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('computes each JSON Schema once', () => {
    const registry = createToolRegistry([echo]);
    expect(registry.list()[0]!.configSchema).toBe(registry.list()[0]!.configSchema);
  });
});

describe('builtin registry', () => {
  it('holds every builtin tool under a unique snake_case name', () => {
    const registry = createBuiltinRegistry();
    const names = registry.list().map((t) => t.name);
    // The generic and example tools, `llm` and `agent` (created from the server's providers).
    expect(names).toHaveLength(builtinTools.length + 2);
    expect(registry.get('llm')?.name).toBe('llm');
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    for (const name of [
      'set_state',
      'delay',
      'fail',
      'increment',
      'log',
      'load_sources',
      'lint_files',
      'fix_files',
      'review_report',
    ]) {
      expect(registry.get(name)?.name).toBe(name);
    }
  });

  it('publishes config defaults of builtin tools', () => {
    const info = createBuiltinRegistry()
      .list()
      .find((t) => t.name === 'lint_files')!;
    expect(info.configSchema).toMatchObject({
      properties: { complexity: { type: 'integer', default: 10 } },
    });
  });

  it('accepts extra tools and still rejects a clash with a builtin', () => {
    expect(createBuiltinRegistry([echo]).get('echo')).toBe(echo);
    const clash = defineTool({ name: 'delay', description: 'x', run: () => undefined });
    expect(() => createBuiltinRegistry([clash])).toThrow(DuplicateToolError);
  });

  it('leaves the example tools out with examples: false', () => {
    const registry = createBuiltinRegistry({ tools: [echo], examples: false });
    expect(registry.list().map((t) => t.name)).toEqual(
      [...genericTools.map((t) => t.name), 'echo', 'llm', 'agent'].sort(),
    );
    expect(registry.has('lint_files')).toBe(false);
  });

  it('holds the generic tools first, then the example tools', () => {
    expect(builtinTools.slice(0, genericTools.length)).toEqual(genericTools);
    expect(builtinTools.length).toBeGreaterThan(genericTools.length);
  });
});

describe('the framework tools', () => {
  it('never import the examples (only builtin.ts composes them in)', () => {
    const dir = fileURLToPath(new URL('../../src/tools/', import.meta.url));
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && f !== 'builtin.ts' && f !== 'index.ts',
    );
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/from '[./]*examples\//);
    }
  });
});
