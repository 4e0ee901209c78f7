import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { GraphDef } from '../engine/index.js';
import { CliError } from './client.js';

/** The graphs of one file: a graph, or a list of them (`graphs:` or a top-level array). */
export function readGraphFile(path: string): GraphDef[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = ['.yaml', '.yml'].includes(extname(path).toLowerCase())
      ? parseYaml(text)
      : JSON.parse(text);
  } catch (err) {
    throw new CliError(
      `${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && Array.isArray((parsed as { graphs?: unknown }).graphs)
      ? (parsed as { graphs: unknown[] }).graphs
      : [parsed];
  return list.map((g, i) => {
    if (!g || typeof g !== 'object' || typeof (g as GraphDef).name !== 'string')
      throw new CliError(`${path}: graph ${i + 1} has no "name"`);
    return g as GraphDef;
  });
}

/** A GraphDef as the createGraph/updateGraph `GraphInput` (state as a list, enums by name). */
export function toGraphInput(def: GraphDef): Record<string, unknown> {
  const input: Record<string, unknown> = {
    ...def,
    nodes: def.nodes.map((n) => (n.onLimit ? { ...n, onLimit: n.onLimit.toUpperCase() } : n)),
  };
  if (def.state)
    input.state = Object.entries(def.state).map(([key, s]) => ({
      key,
      reducer: (s.reducer ?? 'replace').toUpperCase(),
      ...(s.default === undefined ? {} : { default: s.default }),
    }));
  return input;
}

/** JSON with object keys sorted: two definitions equal in content compare equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );
}
