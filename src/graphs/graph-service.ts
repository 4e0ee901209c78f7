import { randomUUID } from 'node:crypto';
import { compileGraph, type GraphDef, type ToolResolver } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
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
export function createGraphService(store: GraphStore, tools: ToolResolver): GraphService {
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
        .create(randomUUID(), randomUUID(), {
          name: def.name,
          description: def.description ?? null,
          definition: def,
        })
        .catch(translate);
    },
    async update(id, definition) {
      const def = validated(definition);
      const graph = await store
        .update(id, randomUUID(), {
          name: def.name,
          description: def.description ?? null,
          definition: def,
        })
        .catch(translate);
      if (!graph) throw notFound('Graph', id);
      return graph;
    },
    async delete(id) {
      if ((await store.countActiveRuns(id)) > 0)
        throw new AppError(
          'GRAPH_HAS_ACTIVE_RUNS',
          `Graph "${id}" has runs in progress; cancel them or wait for them to finish before deleting it.`,
          { id },
        );
      return store.delete(id);
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
