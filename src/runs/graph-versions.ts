import { type CompiledGraph, compileGraphOrThrow, type ToolResolver } from '../engine/index.js';
import { notFound } from '../errors.js';
import type { GraphStore, GraphVersionRecord } from './ports.js';

/**
 * How long a graph's latest version is cached for startRun. Saving a graph in this process
 * invalidates it at once; a save in another process is seen within this time.
 */
const LATEST_CACHE_MS = 1_000;

export interface GraphVersions {
  /** The latest version of a graph (NOT_FOUND when there is none). */
  latest(graphId: string): Promise<GraphVersionRecord>;
  /** A version compiled once per process (versions are immutable). */
  compile(version: GraphVersionRecord): CompiledGraph;
  /** Forgets the cached latest version (the graph was saved or deleted). */
  invalidate(graphId: string): void;
}

export function createGraphVersions(graphs: GraphStore, tools: ToolResolver): GraphVersions {
  const compiled = new Map<string, CompiledGraph>();
  const latest = new Map<string, { version: Promise<GraphVersionRecord>; at: number }>();
  return {
    latest(graphId) {
      const hit = latest.get(graphId);
      if (hit && Date.now() - hit.at < LATEST_CACHE_MS) return hit.version;
      // Single flight: concurrent starts of one graph share one read.
      const version = graphs.latestVersion(graphId).then((v) => {
        if (!v) throw notFound('Graph', graphId);
        return v;
      });
      const entry = { version, at: Date.now() };
      latest.set(graphId, entry);
      version.catch(() => {
        if (latest.get(graphId) === entry) latest.delete(graphId);
      });
      return version;
    },
    compile(version) {
      let graph = compiled.get(version.id);
      if (!graph) {
        graph = compileGraphOrThrow(version.definition, tools);
        compiled.set(version.id, graph);
      }
      return graph;
    },
    invalidate: (graphId) => void latest.delete(graphId),
  };
}
