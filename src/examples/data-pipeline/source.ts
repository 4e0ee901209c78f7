import { createReadStream, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { State } from '../../engine/graph.js';
import { PipelineError } from './errors.js';
import type { Quarantined, RawRecord } from './types.js';

/** Where a run's rows come from: a file under the data folder, or text in the run input. */
export interface Source {
  /** The file's path relative to the data folder, or `inline`. */
  name: string;
  format: 'csv' | 'jsonl';
  open(): Readable;
}

/**
 * `state.csv` or `state.jsonl` (the text itself), else `state.file` (a path inside `dataDir`;
 * anything outside is refused). `format` "auto" goes by the key or the file's extension.
 */
export function resolveSource(
  state: Readonly<State>,
  dataDir: string,
  format: 'auto' | 'csv' | 'jsonl',
): Source {
  for (const key of ['csv', 'jsonl'] as const) {
    const text = state[key];
    if (typeof text === 'string') {
      return {
        name: 'inline',
        format: format === 'auto' ? key : format,
        open: () => Readable.from([text]),
      };
    }
  }
  if (typeof state.file === 'string' && state.file !== '') {
    const root = resolve(dataDir);
    const path = resolve(root, state.file);
    const rel = relative(root, path);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new PipelineError(
        'SOURCE_OUTSIDE_DATA_DIR',
        `state.file ${JSON.stringify(state.file)} is outside the data folder; give a path inside it`,
      );
    }
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {}
    if (!isFile) {
      throw new PipelineError(
        'SOURCE_NOT_FOUND',
        `no file ${JSON.stringify(rel)} in the data folder; give a path relative to it`,
      );
    }
    const byExtension = /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'csv';
    return {
      name: rel,
      format: format === 'auto' ? byExtension : format,
      open: () => createReadStream(path),
    };
  }
  throw new PipelineError(
    'SOURCE_MISSING',
    'give state.file (a path in the data folder), state.csv or state.jsonl',
  );
}

/** A chunk of records read, and the records set aside while reading (ragged lines, bad JSON). */
export interface LoadedChunk {
  records: RawRecord[];
  quarantined: Quarantined[];
}

/** Streams a CSV source (header row first) in chunks of `size` records, through csv-parse. */
export async function* readCsv(
  source: Source,
  delimiter: string,
  size: number,
  onHeader: (columns: string[]) => void,
): AsyncGenerator<LoadedChunk> {
  const parser = source
    .open()
    .pipe(
      parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, info: true }),
    );
  let header: string[] | undefined;
  let chunk: LoadedChunk = { records: [], quarantined: [] };
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!header) {
        header = record.map((h) => h.trim());
        onHeader(header);
        continue;
      }
      const values: Record<string, unknown> = {};
      header.forEach((column, i) => {
        values[column] = record[i];
      });
      if (record.length !== header.length) {
        chunk.quarantined.push({
          line: info.lines,
          stage: 'load',
          reason: 'ragged_row',
          detail: `${record.length} fields, the header has ${header.length}`,
          data: values,
        });
      } else chunk.records.push({ line: info.lines, values });
      if (chunk.records.length >= size) {
        yield chunk;
        chunk = { records: [], quarantined: [] };
      }
    }
  } catch (err) {
    if (err instanceof PipelineError) throw err;
    throw new PipelineError(
      'SOURCE_INVALID',
      `${source.name} is not valid CSV: ${(err as Error).message}`,
    );
  }
  if (!header)
    throw new PipelineError('SOURCE_INVALID', `${source.name} is empty: it needs a header row`);
  if (chunk.records.length + chunk.quarantined.length > 0) yield chunk;
}

/** Streams JSON lines (one object per line) in chunks; a line that is not an object is set aside. */
export async function* readJsonLines(source: Source, size: number): AsyncGenerator<LoadedChunk> {
  const lines = createInterface({ input: source.open(), crlfDelay: Number.POSITIVE_INFINITY });
  let chunk: LoadedChunk = { records: [], quarantined: [] };
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      value = err;
    }
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      !(value instanceof Error)
    ) {
      chunk.records.push({ line: n, values: value as Record<string, unknown> });
    } else {
      chunk.quarantined.push({
        line: n,
        stage: 'load',
        reason: 'invalid_json',
        detail: value instanceof Error ? value.message : 'the line is not a JSON object',
        data: { text: text.slice(0, 1_000) },
      });
    }
    if (chunk.records.length >= size) {
      yield chunk;
      chunk = { records: [], quarantined: [] };
    }
  }
  if (chunk.records.length + chunk.quarantined.length > 0) yield chunk;
}
