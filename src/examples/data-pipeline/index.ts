import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tool } from '../../engine/tool.js';
import { createMemorySqlClient } from '../../persistence/memory-sql-client.js';
import type { SqlClient } from '../../runs/sql-client.js';
import { cleanRowsTool } from './clean-rows.tool.js';
import { createLoadRowsTool } from './load-rows.tool.js';
import { pipelineReportTool } from './report.tool.js';
import { createSqlRowStore } from './sql-row-store.js';
import { createStoreRowsTool } from './store-rows.tool.js';
import { transformRowsTool } from './transform-rows.tool.js';
import { validateRowsTool } from './validate-rows.tool.js';

export { type CleanSettings, cleanChunk, createCleaner } from './clean.js';
export { PipelineError, type PipelineErrorCode } from './errors.js';
export { dataPipelineGraph } from './graph.js';
export { modifiedZ, spreadOf } from './outliers.js';
export type { Outlier } from './report.tool.js';
export type { RowStore, TableSpec, UpsertOutcome } from './row-store.js';
export { createSqlRowStore } from './sql-row-store.js';
export { type Derivation, transformChunk } from './transform.js';
export { compileRowSchema, validateChunk } from './validate.js';

/** The repository's sample data (examples/data-pipeline): where `state.file` is looked up by default. */
export const DATA_PIPELINE_DIR = fileURLToPath(
  new URL('../../../examples/data-pipeline/', import.meta.url),
);

export interface DataPipelineServices {
  /** The database the rows go to; default: a private in-memory SQLite database. */
  sql?: SqlClient;
  /** The folder `state.file` is read from (nothing outside it); default DATA_PIPELINE_DIR. */
  dataDir?: string;
  /** Where runs keep their stage spools; default `<tmpdir>/aef-data-pipeline`. */
  workDir?: string;
}

/** The tools `dataPipelineGraph` runs, storing into `services.sql`. */
export function createDataPipelineTools(services: DataPipelineServices = {}): Tool<unknown>[] {
  const sql = services.sql ?? createMemorySqlClient();
  return [
    createLoadRowsTool({
      dataDir: services.dataDir ?? DATA_PIPELINE_DIR,
      workDir: services.workDir ?? join(tmpdir(), 'aef-data-pipeline'),
    }),
    cleanRowsTool,
    transformRowsTool,
    validateRowsTool,
    createStoreRowsTool(createSqlRowStore(sql)),
    pipelineReportTool,
  ] as Tool<unknown>[];
}

/** The tools with their defaults (rows stored in memory); a server passes its database instead. */
export const dataPipelineTools: readonly Tool<unknown>[] = Object.freeze(createDataPipelineTools());
