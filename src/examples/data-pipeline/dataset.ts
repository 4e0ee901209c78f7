import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { State } from '../../engine/graph.js';
import { PipelineError } from './errors.js';
import { readSpool, spoolWriter } from './spool.js';
import { type ChunkResult, type ColumnType, count, type Quarantined } from './types.js';

export type StageName = 'load' | 'clean' | 'transform' | 'validate';

/**
 * `state.dataset`: what load_rows found and where the stages hand rows over. Rows never go
 * through the run state (a million rows would be every event's payload); each stage streams the
 * previous stage's spool in the run's work folder and writes its own.
 */
export interface Dataset {
  /** File path relative to the data folder, or `inline`. */
  source: string;
  format: 'csv' | 'jsonl';
  /** The run's work folder. */
  dir: string;
  /** Declared columns and their types, derived ones included once transform_rows ran. */
  columns: Record<string, ColumnType>;
  /** The stage whose spool holds the latest rows. */
  last: StageName;
}

export function spoolPath(dir: string, stage: StageName): string {
  return join(dir, `${stage}.jsonl`);
}

export function quarantinePath(dir: string, stage: StageName): string {
  return join(dir, `quarantine.${stage}.jsonl`);
}

/** `state.dataset`, checked: it must come from one of `after` (load_rows ran first). */
export function readDataset(
  state: Readonly<State>,
  tool: string,
  after: readonly StageName[],
): Dataset {
  const d = state.dataset as Partial<Dataset> | undefined;
  if (!d || typeof d.dir !== 'string' || typeof d.last !== 'string' || !d.columns) {
    throw new PipelineError(
      'STAGE_MISSING',
      `${tool} needs state.dataset: run load_rows before it`,
    );
  }
  if (!after.includes(d.last)) {
    throw new PipelineError(
      'STAGE_MISSING',
      `${tool} runs after ${after.join(' or ')}, but the last stage was ${d.last}`,
    );
  }
  return d as Dataset;
}

/** What a stage reports: rows passed on and rows set aside by reason. */
export interface StageCounts {
  rows: number;
  quarantined: Record<string, number>;
}

const ORDER: StageName[] = ['load', 'clean', 'transform', 'validate'];

/**
 * Removes the row spools older than `dataset.last` (their stage succeeded before the one that
 * wrote `last`, so no resume needs them): a million rows are ~100 MB per spool.
 */
export async function dropOldSpools(dataset: Dataset): Promise<void> {
  const older = ORDER.slice(0, ORDER.indexOf(dataset.last));
  await Promise.all(older.map((s) => rm(spoolPath(dataset.dir, s), { force: true })));
}

/**
 * Streams the spool of `dataset.last` through `fn` chunk by chunk, writing the rows it keeps to
 * the spool of `stage` and those it sets aside to the stage's quarantine file.
 */
export async function runStage<I, O>(
  dataset: Dataset,
  stage: StageName,
  size: number,
  signal: AbortSignal,
  fn: (chunk: I[]) => ChunkResult<O>,
): Promise<StageCounts> {
  await dropOldSpools(dataset);
  const out = spoolWriter<O>(spoolPath(dataset.dir, stage));
  const bad = spoolWriter<Quarantined>(quarantinePath(dataset.dir, stage));
  const quarantined: Record<string, number> = {};
  try {
    for await (const chunk of readSpool<I>(spoolPath(dataset.dir, dataset.last), size)) {
      signal.throwIfAborted();
      const result = fn(chunk);
      await out.write(result.rows);
      await bad.write(result.quarantined);
      for (const q of result.quarantined) count(quarantined, q.reason);
    }
  } finally {
    await out.close();
    await bad.close();
  }
  return { rows: out.written, quarantined };
}
