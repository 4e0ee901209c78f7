import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../src/engine/compile.js';
import { exampleGraphs, exampleTools, modelExampleGraphs } from '../../src/examples/index.js';
import { genericTools } from '../../src/tools/generic/index.js';
import { createToolRegistry } from '../../src/tools/registry.js';
import { registry, runExample } from './run-example.js';

describe('example graphs', () => {
  it('have unique names', () => {
    const names = exampleGraphs.map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['code-review', 'data-pipeline', 'ml-inference', 'user-onboarding']);
  });

  it.each(exampleGraphs.map((g) => [g.name, g] as const))(
    '%s validates with no issues against the builtin registry',
    (_, graph) => {
      const result = compileGraph(graph, registry);
      expect(result.ok ? [] : result.issues).toEqual([]);
    },
  );

  it.each(exampleGraphs.map((g) => [g.name, g] as const))(
    '%s survives a JSON round trip unchanged',
    (_, graph) => {
      expect(JSON.parse(JSON.stringify(graph))).toEqual(graph);
    },
  );

  it('need only the generic tools and the example tools, composed explicitly', () => {
    const explicit = createToolRegistry([...genericTools, ...exampleTools]);
    for (const graph of exampleGraphs) {
      const result = compileGraph(graph, explicit);
      expect(result.ok ? [] : result.issues, graph.name).toEqual([]);
    }
  });

  it('each come with the tools their nodes name', () => {
    const all = [...exampleGraphs, ...modelExampleGraphs];
    // Node tools, and the tools agent nodes give their model.
    const agentTools = (n: { config?: Record<string, unknown> }) =>
      ((n.config?.tools as Array<string | { name: string }> | undefined) ?? []).map((r) =>
        typeof r === 'string' ? r : r.name,
      );
    const used = new Set(all.flatMap((g) => g.nodes.flatMap((n) => [n.tool, ...agentTools(n)])));
    // The model tools are built in (created from the server's providers), not example tools.
    const generic = new Set([...genericTools.map((t) => t.name), 'llm', 'agent']);
    const examples = exampleTools.map((t) => t.name);
    expect(examples.filter((name) => generic.has(name))).toEqual([]);
    expect([...used].filter((name) => !generic.has(name)).sort()).toEqual([...examples].sort());
  });

  it.each(exampleGraphs.map((g) => [g.name, g] as const))(
    '%s runs the example input its README shows',
    async (name, graph) => {
      const readme = readFileSync(
        fileURLToPath(new URL(`../../src/examples/${name}/README.md`, import.meta.url)),
        'utf8',
      );
      const input = readme.match(/```json\n([\s\S]*?)\n```/)?.[1];
      expect(input, `${name}/README.md has a json input block`).toBeDefined();
      const result = await runExample(graph, JSON.parse(input!));
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('SUCCEEDED');
    },
  );
});
