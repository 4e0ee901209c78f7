import { type DateParser, dateParser } from './dates.js';
import { type NumberFormat, numberFormat } from './locale-number.js';
import type { ChunkResult, ColumnType, Quarantined, RawRecord, Value } from './types.js';

/** Cells read as "no value" unless the config says otherwise (compared after trimming). */
export const DEFAULT_NULLS = ['', 'N/A', 'n/a', 'NA', 'null', 'NULL', 'None', '-', '--', '?'];
/** Numbers any locale reads alike; others needed the locale's separators. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

export interface CleanSettings {
  columns: Readonly<Record<string, ColumnType>>;
  locale: string;
  nulls: readonly string[];
  dateFormats: readonly string[];
}

/** Settings compiled once per stage: the locale's separators, the date patterns. */
export interface Cleaner {
  columns: ReadonlyArray<[string, ColumnType]>;
  nulls: ReadonlySet<string>;
  number: NumberFormat;
  date: DateParser;
}

/** Throws (RangeError or Error) on an unknown locale or a bad date format. */
export function createCleaner(settings: CleanSettings): Cleaner {
  return {
    columns: Object.entries(settings.columns),
    nulls: new Set(settings.nulls),
    number: numberFormat(settings.locale),
    date: dateParser(settings.dateFormats),
  };
}

/** What cleaning changed, by kind, over a chunk (summed by the stage). */
export interface CleanCounts {
  /** Cells with spaces around them. */
  trimmed: number;
  /** Cells read as null (empty, or a null word). */
  nulls: number;
  /** Numbers written with the locale's separators ("1,234.56", "12,5"). */
  numbers: number;
  /** Dates converted to ISO from another declared format. */
  dates: number;
}

export function emptyCleanCounts(): CleanCounts {
  return { trimmed: 0, nulls: 0, numbers: 0, dates: 0 };
}

/**
 * Cleans one chunk (pure: a map node can call it per chunk). Each declared column is trimmed,
 * null words become null, numbers are read in the declared locale, dates in the declared formats
 * (out as ISO), booleans from true/false/yes/no/1/0. A cell that does not fit its type sets the
 * whole row aside (`invalid_<type>`, naming the column and the value); undeclared columns are
 * not carried on.
 */
export function cleanChunk(
  records: readonly RawRecord[],
  cleaner: Cleaner,
  counts: CleanCounts = emptyCleanCounts(),
): ChunkResult {
  const rows: ChunkResult['rows'] = [];
  const quarantined: Quarantined[] = [];
  for (const record of records) {
    const row: Record<string, Value> = {};
    let bad: Quarantined | undefined;
    for (const [column, type] of cleaner.columns) {
      const raw = record.values[column];
      const cell = cleanCell(raw, type, cleaner, counts);
      if (cell === INVALID) {
        bad = {
          line: record.line,
          stage: 'clean',
          reason: `invalid_${type}`,
          detail: `${column}: ${JSON.stringify(raw)} is not ${type === 'integer' ? 'an' : 'a'} ${type}${type === 'number' || type === 'integer' ? ` in ${cleaner.number.locale}` : ''}`,
          data: record.values,
        };
        break;
      }
      row[column] = cell;
    }
    if (bad) quarantined.push(bad);
    else rows.push({ line: record.line, row });
  }
  return { rows, quarantined };
}

const INVALID = Symbol('invalid');

function cleanCell(
  raw: unknown,
  type: ColumnType,
  cleaner: Cleaner,
  counts: CleanCounts,
): Value | typeof INVALID {
  if (raw === null || raw === undefined) {
    counts.nulls++;
    return null;
  }
  // JSON lines may hold typed values already.
  if (typeof raw === 'number') return typedNumber(raw, type);
  if (typeof raw === 'boolean') return type === 'boolean' ? raw : INVALID;
  if (typeof raw !== 'string') return INVALID;
  const text = raw.trim();
  if (text !== raw) counts.trimmed++;
  if (cleaner.nulls.has(text)) {
    counts.nulls++;
    return null;
  }
  switch (type) {
    case 'string':
      return text;
    case 'number':
    case 'integer': {
      const value = cleaner.number.parse(text);
      if (value === undefined) return INVALID;
      if (!PLAIN_NUMBER.test(text)) counts.numbers++;
      return typedNumber(value, type);
    }
    case 'date': {
      const iso = cleaner.date(text);
      if (iso === undefined) return INVALID;
      if (iso !== text) counts.dates++;
      return iso;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return INVALID;
    }
  }
}

function typedNumber(value: number, type: ColumnType): Value | typeof INVALID {
  if (type === 'integer') return Number.isSafeInteger(value) ? value : INVALID;
  if (type === 'number') return value;
  if (type === 'string') return String(value);
  return INVALID;
}
