export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/**
 * Splits CSV text into records (RFC 4180: quoted fields may hold the delimiter, quotes doubled as
 * "" and line breaks). Throws on an unterminated quote.
 */
export function splitCsv(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
    } else field += ch;
    i += 1;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) endRecord();
  // Blank lines carry no data.
  return records.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Numbers become numbers, empty cells null, everything else a trimmed string. */
export function toCell(raw: string): Cell {
  const value = raw.trim();
  if (value === '') return null;
  if (NUMBER.test(value)) return Number(value);
  return value;
}

/** Numeric values of a column, skipping nulls and non-numbers. */
export function numericValues(rows: readonly Row[], column: string): number[] {
  const out: number[] = [];
  for (const row of rows) {
    const v = row[column];
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** Columns where every non-empty cell is a number (and at least one is). */
export function numericColumns(rows: readonly Row[], columns: readonly string[]): string[] {
  return columns.filter((c) => {
    let numbers = 0;
    for (const row of rows) {
      const v = row[c];
      if (v === null || v === undefined) continue;
      if (typeof v !== 'number') return false;
      numbers++;
    }
    return numbers > 0;
  });
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population standard deviation. */
export function stddev(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((acc, v) => acc + (v - m) ** 2, 0) / values.length);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds for display and stable equality: 6 significant decimals. */
export function round(value: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Smallest value, without spreading (large columns would overflow the argument list). */
export function minOf(values: readonly number[]): number {
  return values.reduce((a, b) => (b < a ? b : a), Number.POSITIVE_INFINITY);
}

export function maxOf(values: readonly number[]): number {
  return values.reduce((a, b) => (b > a ? b : a), Number.NEGATIVE_INFINITY);
}
