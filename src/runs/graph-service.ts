import {
  compileGraph,
  type GraphDef,
  GraphInvalidError,
  type GraphIssue,
  type ToolResolver,
} from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import {
  DEFAULT_TENANT,
  type GraphRecord,
  type GraphSaved,
  type GraphStore,
  type GraphWrite,
} from './ports.js';
import { checkSubgraphs, withSubgraphTools } from './subgraph-nodes.js';

/** Graphs of one tenant at a time: another tenant's graph answers NOT_FOUND. */
export interface GraphService {
  create(definition: GraphDef, tenantId?: string): Promise<GraphRecord>;
  /** Saves a new version; runs already started keep the version they pinned. */
  update(id: string, definition: GraphDef, tenantId?: string): Promise<GraphRecord>;
  delete(id: string, tenantId?: string): Promise<boolean>;
  /**
   * pauseGraph / unpauseGraph: while paused, the graph's new and queued runs stay QUEUED (startRun
   * still accepts them; no server claims them); runs already executing go on. Unpausing lets
   * them start (`onChange` tells the run service, which claims them at once).
   */
  setPaused(id: string, paused: boolean, tenantId?: string): Promise<GraphRecord>;
  /** Every issue saving `definition` (any JSON) would report, each with its path; none: valid. */
  validate(definition: unknown): GraphIssue[];
  /**
   * Creates each example whose name is not taken yet in the tenant, and gives a stored one that
   * no longer validates the shipped definition (a new version); returns the names written.
   */
  ensureExamples(examples: readonly GraphDef[], tenantId?: string): Promise<string[]>;
}

/** Validates every definition against the tool registry before anything is stored. */
export function createGraphService(
  store: GraphStore,
  tools: ToolResolver,
  /** Told after a graph is saved, deleted or (un)paused (the run service drops its cache). */
  onChange: (graphId: string, change?: 'paused' | 'unpaused') => void = () => {},
): GraphService {
  /** One GRAPH_INVALID with every issue: the engine's, then the sub-graph checks'. */
  async function validated(definition: GraphDef, tenantId: string): Promise<GraphDef> {
    const def = withSubgraphTools(definition);
    const compiled = compileGraph(def, tools);
    const issues: GraphIssue[] = compiled.ok ? [] : [...compiled.issues];
    await checkSubgraphs(def, tenantId, store).catch((err: unknown) => {
      if (!(err instanceof GraphInvalidError)) throw err;
      issues.push(...err.issues);
    });
    if (issues.length > 0) throw new GraphInvalidError(issues);
    return def;
  }
  const saved = (outcome: GraphSaved, write: GraphWrite): GraphRecord => {
    if (outcome.ok) return outcome.graph;
    throw new AppError(
      'GRAPH_NAME_TAKEN',
      `A graph named "${write.name}" already exists. Choose another name or update it.`,
      { name: write.name },
    );
  };
  const toWrite = (def: GraphDef, tenantId: string): GraphWrite => ({
    tenantId,
    name: def.name,
    description: def.description ?? null,
    definition: def,
  });

  return {
    validate(definition) {
      // Sub-graph nodes get their tool first; unknown sub-graphs and cycles are found at save.
      const def = isObject(definition)
        ? withSubgraphTools(definition as unknown as GraphDef)
        : definition;
      const result = compileGraph(def, tools);
      return result.ok ? [] : result.issues;
    },
    async create(definition, tenantId = DEFAULT_TENANT) {
      const write = toWrite(await validated(definition, tenantId), tenantId);
      return saved(await store.create(uuidv7(), uuidv7(), write), write);
    },
    async update(id, definition, tenantId = DEFAULT_TENANT) {
      const write = toWrite(await validated(definition, tenantId), tenantId);
      const outcome = await store.update(id, uuidv7(), write);
      if (!outcome) throw notFound('Graph', id);
      const graph = saved(outcome, write);
      onChange(id);
      return graph;
    },
    async delete(id, tenantId = DEFAULT_TENANT) {
      const graph = await store.get(id);
      if (!graph || graph.tenantId !== tenantId) return false;
      if ((await store.countActiveRuns(id)) > 0)
        throw new AppError(
          'GRAPH_HAS_ACTIVE_RUNS',
          `Graph "${id}" has runs in progress; cancel them or wait for them to finish before deleting it.`,
          { id },
        );
      const deleted = await store.delete(id);
      onChange(id);
      return deleted;
    },
    async setPaused(id, paused, tenantId = DEFAULT_TENANT) {
      const graph = await store.get(id);
      if (!graph || graph.tenantId !== tenantId) throw notFound('Graph', id);
      const updated = await store.setPaused(id, paused);
      if (!updated) throw notFound('Graph', id);
      onChange(id, paused ? 'paused' : 'unpaused');
      return updated;
    },
    async ensureExamples(examples, tenantId = DEFAULT_TENANT) {
      const created: string[] = [];
      for (const def of examples) {
        const existing = await store.getByName(tenantId, def.name);
        if (existing) {
          // A stored example that no longer fits the tools (an older release's tools are gone)
          // gets the shipped definition as a new version; one that still validates is kept,
          // whoever edited it.
          const latest = await store.latestVersion(existing.id);
          if (latest && this.validate(latest.definition).length > 0) {
            await this.update(existing.id, def, tenantId);
            created.push(def.name);
          }
          continue;
        }
        try {
          await this.create(def, tenantId);
          created.push(def.name);
        } catch (err) {
          // Another process created it between the check and the insert: fine.
          if (!(err instanceof AppError && err.code === 'GRAPH_NAME_TAKEN')) throw err;
        }
      }
      return created;
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Array.isArray((v as { nodes?: unknown }).nodes);
