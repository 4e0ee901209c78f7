import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { isRecord } from '../../tools/input.js';
import { MlError } from './ml-error.js';
import { resolveAllowedFile } from './model-files.js';

/** Items to classify, checked: one row of features each, with an id and maybe a true label. */
export interface Items {
  ids: Array<string | number>;
  rows: number[][];
  /** True labels when every item has one (a labelled set); null otherwise. */
  expected: string[] | null;
}

/** The largest items CSV read (bytes). */
export const MAX_ITEMS_FILE_BYTES = 20 * 1024 * 1024;

/**
 * `state.items`: each a number array, or `{ id?, features, label? }`. Checks every item against
 * the model's feature count; the first bad one fails with its index.
 */
export function itemsFromState(value: unknown, featureCount: number): Items {
  if (!Array.isArray(value))
    throw new MlError('ML_BAD_ITEM', 'state.items must be an array of items', { index: null });
  const ids: Array<string | number> = [];
  const rows: number[][] = [];
  const labels: Array<string | undefined> = [];
  value.forEach((item: unknown, index) => {
    const features = Array.isArray(item) ? item : isRecord(item) ? item.features : undefined;
    if (!Array.isArray(features))
      throw new MlError(
        'ML_BAD_ITEM',
        `items[${index}] must be an array of numbers or { features: [...] }`,
        { index },
      );
    rows.push(checkRow(features, index, featureCount, `items[${index}]`));
    const id = isRecord(item) ? item.id : undefined;
    ids.push(typeof id === 'string' || typeof id === 'number' ? id : index);
    const label = isRecord(item) ? item.label : undefined;
    labels.push(typeof label === 'string' || typeof label === 'number' ? String(label) : undefined);
  });
  return { ids, rows, expected: allLabelled(labels) };
}

/**
 * An items CSV in the model directory: a header row; an `id` column and the `labelColumn` are
 * optional, every other column is a feature, in order.
 */
export function itemsFromCsv(
  modelDir: string,
  file: string,
  featureCount: number,
  labelColumn: string,
): Items {
  const found = resolveAllowedFile(modelDir, file, ['.csv'], 'Items file');
  if (found.size > MAX_ITEMS_FILE_BYTES)
    throw new MlError(
      'ML_TOO_MANY_ITEMS',
      `items file "${file}" is ${found.size} bytes, above ${MAX_ITEMS_FILE_BYTES}`,
    );
  let records: string[][];
  try {
    records = parse(readFileSync(found.path, 'utf8'), {
      skip_empty_lines: true,
      trim: true,
    }) as string[][];
  } catch (err) {
    throw new MlError('ML_BAD_CSV', `items file "${file}": ${(err as Error).message}`, { file });
  }
  const [header, ...data] = records;
  if (!header) throw new MlError('ML_NO_ITEMS', `items file "${file}" is empty`, { file });
  const idAt = header.indexOf('id');
  const labelAt = header.indexOf(labelColumn);
  const featureAt = header.map((_, i) => i).filter((i) => i !== idAt && i !== labelAt);
  const ids: Array<string | number> = [];
  const rows: number[][] = [];
  const labels: Array<string | undefined> = [];
  data.forEach((record, index) => {
    const line = index + 2;
    const cells = featureAt.map((i) => {
      const cell = record[i] ?? '';
      const n = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(n))
        throw new MlError(
          'ML_BAD_CSV',
          `items file "${file}" line ${line}, column "${header[i]}": "${cell}" is not a number`,
          { file, line, column: header[i] },
        );
      return n;
    });
    rows.push(checkRow(cells, index, featureCount, `items file "${file}" line ${line}`));
    ids.push(idAt >= 0 ? (record[idAt] ?? index) : index);
    labels.push(labelAt >= 0 ? record[labelAt] : undefined);
  });
  return { ids, rows, expected: allLabelled(labels) };
}

function checkRow(features: unknown[], index: number, featureCount: number, where: string) {
  if (features.length !== featureCount)
    throw new MlError(
      'ML_FEATURE_COUNT',
      `${where} has ${features.length} features; the model takes ${featureCount}`,
      { index, expected: featureCount, got: features.length },
    );
  const at = features.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (at >= 0)
    throw new MlError('ML_BAD_ITEM', `${where} feature ${at} is not a finite number`, {
      index,
      feature: at,
    });
  return features as number[];
}

function allLabelled(labels: Array<string | undefined>): string[] | null {
  return labels.length > 0 && labels.every((l) => l !== undefined) ? (labels as string[]) : null;
}
