import { compileGraph, type GraphDef, type ToolResolver } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import type { GraphRecord, GraphSaved, GraphStore, GraphWrite } from './ports.js';

export interface GraphService {
  create(definition: GraphDef): Promise<GraphRecord>;
  /** Saves a new version; runs already started keep the version they pinned. */
  update(id: string, definition: GraphDef): Promise<GraphRecord>;
  delete(id: string): Promise<boolean>;
  /** Creates each example whose name is not taken yet; returns the names created. */
  ensureExamples(examples: readonly GraphDef[]): Promise<string[]>;
}

/** Validates every definition against the tool registry before anything is stored. */
export function createGraphService(
  store: GraphStore,
  tools: ToolResolver,
  /** Told after a graph is saved or deleted (the run service drops its cached version). */
  onChange: (graphId: string) => void = () => {},
): GraphService {
  function validated(definition: GraphDef): GraphDef {
    const result = compileGraph(definition, tools);
    if (!result.ok) {
      throw new AppError(
        'GRAPH_INVALID',
        `The graph has ${result.issues.length} problem(s): ${result.issues
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')}`,
        { issues: result.issues },
      );
    }
    return definition;
  }
  const saved = (outcome: GraphSaved, write: GraphWrite): GraphRecord => {
    if (outcome.ok) return outcome.graph;
    throw new AppError(
      'GRAPH_NAME_TAKEN',
      `A graph named "${write.name}" already exists. Choose another name or update it.`,
      { name: write.name },
    );
  };
  const toWrite = (def: GraphDef): GraphWrite => ({
    name: def.name,
    description: def.description ?? null,
    definition: def,
  });

  return {
    async create(definition) {
      const write = toWrite(validated(definition));
      return saved(await store.create(uuidv7(), uuidv7(), write), write);
    },
    async update(id, definition) {
      const write = toWrite(validated(definition));
      const outcome = await store.update(id, uuidv7(), write);
      if (!outcome) throw notFound('Graph', id);
      const graph = saved(outcome, write);
      onChange(id);
      return graph;
    },
    async delete(id) {
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
    async ensureExamples(examples) {
      const created: string[] = [];
      for (const def of examples) {
        if (await store.getByName(def.name)) continue;
        try {
          await this.create(def);
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
