import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import type { Dataset } from './dataset.js';
import { quarantinePath, spoolPath } from './dataset.js';
import { PipelineError } from './errors.js';
import { type LoadedChunk, readCsv, readJsonLines, resolveSource } from './source.js';
import { spoolWriter } from './spool.js';
import { COLUMN_NAME } from './transform.js';
import { COLUMN_TYPES, count, type Quarantined, type RawRecord } from './types.js';

export const loadConfig = z.strictObject({
  columns: z
    .record(
      z.string().regex(COLUMN_NAME, 'column names are lower-case letters, digits and _'),
      z.enum(COLUMN_TYPES),
    )
    .refine((c) => Object.keys(c).length > 0, 'declare at least one column')
    .describe('The columns to read and their types; other source columns are listed as ignored'),
  format: z.enum(['auto', 'csv', 'jsonl']).default('auto'),
  delimiter: z.string().length(1).default(','),
  chunkSize: z.number().int().min(1).max(100_000).default(5_000),
});

export interface LoadToolOptions {
  /** The folder `state.file` paths are resolved in (nothing outside it is read). */
  dataDir: string;
  /** Where each run's work folder is made. */
  workDir: string;
}

/**
 * Load: streams `state.file` (CSV or JSON lines under the data folder) or inline `state.csv` /
 * `state.jsonl` in chunks, keeps the declared columns, and writes them to the run's spool.
 * Patch: `{ dataset, load: { read, loaded, quarantined, ignoredColumns } }`.
 */
export function createLoadRowsTool(options: LoadToolOptions) {
  return defineTool({
    name: 'load_rows',
    description:
      'Streams CSV or JSON lines from state.file (in the data folder), state.csv or state.jsonl in chunks; keeps the declared columns',
    config: loadConfig,
    async run({ state, config, runId, signal, log }) {
      const source = resolveSource(state, options.dataDir, config.format);
      const dir = join(options.workDir, runId.replace(/[^A-Za-z0-9_-]/g, '_'));
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const declared = Object.keys(config.columns);
      let ignoredColumns: string[] = [];
      const chunks =
        source.format === 'csv'
          ? readCsv(source, config.delimiter, config.chunkSize, (header) => {
              const missing = declared.filter((c) => !header.includes(c));
              if (missing.length > 0) {
                throw new PipelineError(
                  'MISSING_COLUMNS',
                  `${source.name} has no column ${missing.join(', ')} (its header: ${header.join(', ')}); fix the header or the declared columns`,
                );
              }
              ignoredColumns = header.filter((c) => !(c in config.columns));
            })
          : readJsonLines(source, config.chunkSize);
      const out = spoolWriter<RawRecord>(spoolPath(dir, 'load'));
      const bad = spoolWriter<Quarantined>(quarantinePath(dir, 'load'));
      const quarantined: Record<string, number> = {};
      let read = 0;
      try {
        for await (const chunk of chunks as AsyncIterable<LoadedChunk>) {
          signal.throwIfAborted();
          read += chunk.records.length + chunk.quarantined.length;
          await out.write(
            chunk.records.map((r) => ({ line: r.line, values: pick(r.values, declared) })),
          );
          await bad.write(chunk.quarantined);
          for (const q of chunk.quarantined) count(quarantined, q.reason);
        }
      } finally {
        await out.close();
        await bad.close();
      }
      log(`read ${read} rows from ${source.name}`, { quarantined });
      const dataset: Dataset = {
        source: source.name,
        format: source.format,
        dir,
        columns: config.columns,
        last: 'load',
      };
      return { dataset, load: { read, loaded: out.written, quarantined, ignoredColumns } };
    },
  });
}

function pick(
  values: Record<string, unknown>,
  columns: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = values[c];
  return out;
}
