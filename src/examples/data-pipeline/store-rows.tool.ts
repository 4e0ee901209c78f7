import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import {
  type Dataset,
  dropOldSpools,
  quarantinePath,
  readDataset,
  type StageName,
  spoolPath,
} from './dataset.js';
import { PipelineError } from './errors.js';
import type { RowStore, StoredRow, TableSpec } from './row-store.js';
import { readSpool } from './spool.js';
import { count, type LineRow, type Quarantined } from './types.js';

/** Tables the pipeline writes are `pipeline_*`: never one of the server's own tables. */
export const TABLE_NAME = /^pipeline_[a-z0-9_]{1,40}$/;

export const storeConfig = z.strictObject({
  table: z
    .string()
    .regex(TABLE_NAME, 'pipeline_ followed by lower-case letters, digits or _ (at most 40)'),
  key: z
    .array(z.string())
    .min(1)
    .describe('The columns that identify a row: re-running a file updates, never duplicates'),
  chunkSize: z.number().int().min(1).max(20_000).default(2_000),
});

const STAGES: StageName[] = ['load', 'clean', 'transform', 'validate'];

/**
 * Store: upserts the rows of the last stage into `config.table` (created when missing, in the
 * server's database), keyed by `config.key`; a key seen twice in one file keeps its first line
 * and quarantines the others (`duplicate_key`). Every quarantined row, with its stage and reason,
 * goes to `<table>_quarantine`.
 * Patch: `{ store: { table, quarantineTable, stored, inserted, updated, unchanged, quarantined } }`.
 */
export function createStoreRowsTool(rows: RowStore) {
  return defineTool({
    name: 'store_rows',
    description:
      "Upserts the pipeline's rows into a table of the server's database (keyed, idempotent on re-run); quarantined rows go to <table>_quarantine",
    config: storeConfig,
    async run({ state, config, runId, signal, log }) {
      const dataset = readDataset(state, 'store_rows', ['clean', 'transform', 'validate']);
      const missing = config.key.filter((k) => !(k in dataset.columns));
      if (missing.length > 0) {
        throw new PipelineError(
          'MISSING_COLUMNS',
          `key column ${missing.join(', ')} is not declared; key by declared columns`,
        );
      }
      const table: TableSpec = {
        name: config.table,
        quarantine: `${config.table}_quarantine`,
        columns: Object.entries(dataset.columns),
      };
      await dropOldSpools(dataset);
      await rows.prepare(table);
      const totals = { stored: 0, inserted: 0, updated: 0, unchanged: 0 };
      const quarantined: Record<string, number> = {};
      for await (const chunk of readSpool<LineRow>(
        spoolPath(dataset.dir, dataset.last),
        config.chunkSize,
      )) {
        signal.throwIfAborted();
        const keyed: StoredRow[] = [];
        const bad: Quarantined[] = [];
        for (const item of chunk) {
          const parts = config.key.map((k) => item.row[k]);
          if (parts.some((p) => p === null || p === undefined)) {
            bad.push(setAside(item, 'missing_key', `key ${config.key.join(', ')} has no value`));
          } else keyed.push(toStored(item, parts, table));
        }
        const outcome = await rows.upsert(table, keyed, runId, dataset.source);
        const byLine = new Map(chunk.map((c) => [c.line, c]));
        for (const d of outcome.duplicates) {
          const item = byLine.get(d.line)!;
          bad.push(
            setAside(item, 'duplicate_key', `same ${config.key.join(', ')} as line ${d.firstLine}`),
          );
        }
        totals.inserted += outcome.inserted;
        totals.updated += outcome.updated;
        totals.unchanged += outcome.unchanged;
        totals.stored += keyed.length - outcome.duplicates.length;
        await rows.quarantine(table, bad, runId, dataset.source);
        for (const q of bad) count(quarantined, q.reason);
      }
      await storeQuarantine(rows, table, dataset, runId, quarantined, signal);
      await rows.finishQuarantine(table, runId, dataset.source);
      log(`stored ${totals.stored} rows in ${table.name}`, totals);
      return {
        store: { table: table.name, quarantineTable: table.quarantine, ...totals, quarantined },
      };
    },
  });
}

async function storeQuarantine(
  rows: RowStore,
  table: TableSpec,
  dataset: Dataset,
  runId: string,
  quarantined: Record<string, number>,
  signal: AbortSignal,
) {
  for (const stage of STAGES) {
    const path = quarantinePath(dataset.dir, stage);
    if (!existsSync(path)) continue;
    for await (const chunk of readSpool<Quarantined>(path, 2_000)) {
      signal.throwIfAborted();
      await rows.quarantine(table, chunk, runId, dataset.source);
      for (const q of chunk) count(quarantined, q.reason);
    }
  }
}

function setAside(item: LineRow, reason: string, detail: string): Quarantined {
  return { line: item.line, stage: 'store', reason, detail, data: item.row };
}

function toStored(item: LineRow, key: unknown[], table: TableSpec): StoredRow {
  const values = table.columns.map(([c]) => item.row[c] ?? null);
  return {
    key: key.length === 1 ? String(key[0]) : JSON.stringify(key),
    line: item.line,
    hash: createHash('sha1').update(JSON.stringify(values)).digest('base64url'),
    values: item.row,
  };
}
