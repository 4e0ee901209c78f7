import type { GraphDef } from '../engine/index.js';
import type { GraphVersionRecord } from '../runs/types.js';

export interface GraphRecord {
  id: string;
  name: string;
  description: string | null;
  latestVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GraphWrite {
  name: string;
  description: string | null;
  definition: GraphDef;
}

/** Port: graph storage. Versions are immutable; saving a graph adds one. */
export interface GraphStore {
  create(id: string, versionId: string, graph: GraphWrite): Promise<GraphRecord>;
  /** Adds version latestVersion + 1; null when the graph does not exist. */
  update(id: string, versionId: string, graph: GraphWrite): Promise<GraphRecord | null>;
  /** Deletes the graph, its versions and its finished runs; false when it does not exist. */
  delete(id: string): Promise<boolean>;
  get(id: string): Promise<GraphRecord | null>;
  getByName(name: string): Promise<GraphRecord | null>;
  latestVersion(graphId: string): Promise<GraphVersionRecord | null>;
  countActiveRuns(graphId: string): Promise<number>;
}
