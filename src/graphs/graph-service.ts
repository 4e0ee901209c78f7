import { compileGraph, type GraphDef, type ToolResolver } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import { GraphNameTakenError } from '../persistence/prisma-graph-store.js';
import type { GraphRecord, GraphStore } from './types.js';

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
  const translate = (err: unknown): never => {
    if (err instanceof GraphNameTakenError)
      throw new AppError('GRAPH_NAME_TAKEN', `${err.message} Choose another name or update it.`, {
        name: err.graphName,
      });
    throw err;
  };

  return {
    async create(definition) {
      const def = validated(definition);
      return store
        .create(uuidv7(), uuidv7(), {
          name: def.name,
          description: def.description ?? null,
          definition: def,
        })
        .catch(translate);
    },
    async update(id, definition) {
      const def = validated(definition);
      const graph = await store
        .update(id, uuidv7(), {
          name: def.name,
          description: def.description ?? null,
          definition: def,
        })
        .catch(translate);
      if (!graph) throw notFound('Graph', id);
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
