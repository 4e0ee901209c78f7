import { type CompiledGraph, compileGraphOrThrow, type ToolResolver } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import type { GraphStore, GraphVersionRecord } from './ports.js';

/**
 * How long a graph's latest version is cached for startRun. Saving a graph in this process
 * invalidates it at once; a save in another process is seen within this time.
 */
const LATEST_CACHE_MS = 1_000;

export interface GraphVersions {
  /** The latest version of a graph (NOT_FOUND when there is none). */
  latest(graphId: string): Promise<GraphVersionRecord>;
  /**
   * Version number `version` of the graph: VERSION_NOT_FOUND (saying which exist) when it has
   * none, NOT_FOUND when the graph does not exist. Cached: versions are immutable.
   */
  numbered(graphId: string, version: number): Promise<GraphVersionRecord>;
  /** A version compiled once per process (versions are immutable). */
  compile(version: GraphVersionRecord): CompiledGraph;
  /**
   * Whether the graph is paused (pauseGraph), cached like the latest version: pausing in this
   * process is seen at once, in another within LATEST_CACHE_MS.
   */
  isPaused(graphId: string): Promise<boolean>;
  /** Forgets the cached latest version (the graph was saved, deleted or paused). */
  invalidate(graphId: string): void;
}

export function createGraphVersions(graphs: GraphStore, tools: ToolResolver): GraphVersions {
  const compiled = new Map<string, CompiledGraph>();
  const numbered = new Map<string, GraphVersionRecord>();
  const latest = new Map<string, { version: Promise<GraphVersionRecord>; at: number }>();
  const paused = new Map<string, { paused: Promise<boolean>; at: number }>();
  return {
    isPaused(graphId) {
      const hit = paused.get(graphId);
      if (hit && Date.now() - hit.at < LATEST_CACHE_MS) return hit.paused;
      const entry = { paused: graphs.get(graphId).then((g) => g?.paused === true), at: Date.now() };
      paused.set(graphId, entry);
      entry.paused.catch(() => {
        if (paused.get(graphId) === entry) paused.delete(graphId);
      });
      return entry.paused;
    },
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
    async numbered(graphId, number) {
      const key = `${graphId}@${number}`;
      const hit = numbered.get(key);
      if (hit) return hit;
      const version = await graphs.getVersion(graphId, number);
      if (version) {
        if (numbered.size > 1_000) numbered.clear();
        numbered.set(key, version);
        return version;
      }
      const graph = await graphs.get(graphId);
      if (!graph) throw notFound('Graph', graphId);
      throw new AppError(
        'VERSION_NOT_FOUND',
        `Graph "${graphId}" has no version ${number}: its versions are 1 to ${graph.latestVersion}. Pass one of them, or leave version out to start the latest.`,
        { graphId, version: number, latestVersion: graph.latestVersion },
      );
    },
    compile(version) {
      let graph = compiled.get(version.id);
      if (!graph) {
        graph = compileGraphOrThrow(version.definition, tools);
        compiled.set(version.id, graph);
      }
      return graph;
    },
    invalidate(graphId) {
      latest.delete(graphId);
      paused.delete(graphId);
      for (const key of numbered.keys()) if (key.startsWith(`${graphId}@`)) numbered.delete(key);
    },
  };
}
