import { expect, it } from 'vitest';
import { VERSION } from '../../src/app.js';
import { builtinTools } from '../../src/tools/index.js';
import { describeBackends, HEALTH, TOOLS } from './operations.js';

interface ToolData {
  name: string;
  description: string;
  configSchema: {
    type?: string;
    properties?: Record<string, { type?: string; maximum?: number }>;
    required?: string[];
    additionalProperties?: boolean;
  };
}

await describeBackends('health and tools', (api, backend) => {
  it('reports ok, the version and the database provider', async () => {
    const { health } = await api().ok<{ health: Record<string, unknown> }>(HEALTH);
    expect(health).toMatchObject({
      ok: true,
      version: VERSION,
      database: backend,
      activeRuns: 0,
      queuedRuns: 0,
    });
    expect(health.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('lists every built-in tool once, with a description', async () => {
    const { tools } = await api().ok<{ tools: ToolData[] }>(TOOLS);
    const names = tools.map((t) => t.name);
    expect([...names].sort()).toEqual(
      [...builtinTools.map((t) => t.name), 'llm', 'agent', 'subgraph'].sort(),
    );
    expect(new Set(names).size).toBe(names.length);
    for (const tool of tools) expect(tool.description, tool.name).not.toBe('');
  });

  it('gives each tool a JSON Schema object for its config', async () => {
    const { tools } = await api().ok<{ tools: ToolData[] }>(TOOLS);
    for (const tool of tools) {
      expect(tool.configSchema.type, tool.name).toBe('object');
      expect(tool.configSchema.properties, tool.name).toBeTypeOf('object');
      // Node configs are strict: an unknown key is an error, and the schema says so.
      expect(tool.configSchema.additionalProperties, tool.name).toBe(false);
    }
  });

  it('describes the config of the generic tools field by field', async () => {
    const { tools } = await api().ok<{ tools: ToolData[] }>(TOOLS);
    const schema = (name: string) => tools.find((t) => t.name === name)?.configSchema;
    expect(schema('delay')?.properties?.ms).toMatchObject({ type: 'integer', maximum: 3_600_000 });
    expect(schema('delay')?.required).toEqual(['ms']);
    expect(schema('log')?.required).toEqual(['message']);
    expect(Object.keys(schema('fail')?.properties ?? {})).toEqual(
      expect.arrayContaining(['message', 'failTimes', 'retryable', 'values']),
    );
    expect(Object.keys(schema('increment')?.properties ?? {}).sort()).toEqual(['by', 'key']);
    expect(schema('set_state')?.properties?.values?.type).toBe('object');
  });
});
