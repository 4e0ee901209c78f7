import { describe, expect, it } from 'vitest';
import { cleanChunk, createCleaner } from '../../../src/examples/data-pipeline/clean.js';
import { dateParser } from '../../../src/examples/data-pipeline/dates.js';
import { numberFormat } from '../../../src/examples/data-pipeline/locale-number.js';
import { modifiedZ, spreadOf } from '../../../src/examples/data-pipeline/outliers.js';
import { transformChunk } from '../../../src/examples/data-pipeline/transform.js';
import { compileRowSchema, validateChunk } from '../../../src/examples/data-pipeline/validate.js';

describe('numbers by locale', () => {
  it('reads thousands separators and decimal commas as the locale writes them', () => {
    const us = numberFormat('en-US');
    expect(['1,234.56', '1234.56', '-12,345,678.9', '0.5', '12'].map(us.parse)).toEqual([
      1234.56, 1234.56, -12345678.9, 0.5, 12,
    ]);
    const de = numberFormat('de-DE');
    expect(['1.234,56', '1234,56', '12,5', '1.000.000'].map(de.parse)).toEqual([
      1234.56, 1234.56, 12.5, 1000000,
    ]);
    // fr-FR groups with a narrow no-break space; a plain space is read too.
    const fr = numberFormat('fr-FR');
    expect(['1\u202f234,5', '1 234,5'].map(fr.parse)).toEqual([1234.5, 1234.5]);
    expect(numberFormat('en-IN').parse('12,34,567.5')).toBe(1234567.5);
  });

  it('refuses text that is not a number in the locale, rather than guessing', () => {
    const us = numberFormat('en-US');
    expect(['1,2,3', '12.34.56', 'two', '1.234,56', '', '1,23'].map(us.parse)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(numberFormat('de-DE').parse('1,234.56')).toBeUndefined();
  });
});

describe('dates in declared formats', () => {
  it('converts each declared format to ISO and refuses days that do not exist', () => {
    const parse = dateParser(['YYYY-MM-DD', 'DD.MM.YYYY', 'M/D/YYYY']);
    expect(['2024-03-05', '05.03.2024', '3/5/2024', '2024-02-29'].map(parse)).toEqual([
      '2024-03-05',
      '2024-03-05',
      '2024-03-05',
      '2024-02-29',
    ]);
    expect(['2023-02-29', '2024-13-01', 'soon', '2024/03/05', '05.03.24'].map(parse)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('refuses a format without a day, a month and a year', () => {
    expect(() => dateParser(['MM/YYYY'])).toThrow(/exactly one YYYY/);
  });
});

describe('cleanChunk', () => {
  const cleaner = createCleaner({
    columns: { id: 'string', amount: 'number', qty: 'integer', day: 'date', paid: 'boolean' },
    locale: 'en-US',
    nulls: ['', 'N/A', 'null', '-'],
    dateFormats: ['YYYY-MM-DD', 'MM/DD/YYYY'],
  });

  it('trims, reads nulls, numbers, dates and booleans into typed cells and counts each change', () => {
    const counts = { trimmed: 0, nulls: 0, numbers: 0, dates: 0 };
    const result = cleanChunk(
      [
        {
          line: 2,
          values: {
            id: ' a1 ',
            amount: '1,234.56',
            qty: '3',
            day: '03/05/2024',
            paid: 'yes',
          },
        },
        {
          line: 3,
          values: {
            id: 'a2',
            amount: 'N/A',
            qty: '-',
            day: '2024-01-02',
            paid: 'null',
            extra: 'x',
          },
        },
      ],
      cleaner,
      counts,
    );
    expect(result).toEqual({
      rows: [
        { line: 2, row: { id: 'a1', amount: 1234.56, qty: 3, day: '2024-03-05', paid: true } },
        { line: 3, row: { id: 'a2', amount: null, qty: null, day: '2024-01-02', paid: null } },
      ],
      quarantined: [],
    });
    expect(counts).toEqual({ trimmed: 1, nulls: 3, numbers: 1, dates: 1 });
  });

  it('sets a row aside with the column and value that did not fit, never dropping it', () => {
    const rows = [
      { line: 4, values: { id: 'b', amount: '12.34.56', qty: '1', day: '2024-01-01', paid: 'no' } },
      { line: 5, values: { id: 'c', amount: '1', qty: '2.5', day: '2024-01-01', paid: 'no' } },
      { line: 6, values: { id: 'd', amount: '1', qty: '2', day: '2024-02-30', paid: 'no' } },
      { line: 7, values: { id: 'e', amount: '1', qty: '2', day: '2024-02-03', paid: 'maybe' } },
    ];
    const { rows: ok, quarantined } = cleanChunk(rows, cleaner);
    expect(ok).toEqual([]);
    expect(quarantined.map((q) => [q.line, q.stage, q.reason, q.detail])).toEqual([
      [4, 'clean', 'invalid_number', 'amount: "12.34.56" is not a number in en-US'],
      [5, 'clean', 'invalid_integer', 'qty: "2.5" is not an integer in en-US'],
      [6, 'clean', 'invalid_date', 'day: "2024-02-30" is not a date'],
      [7, 'clean', 'invalid_boolean', 'paid: "maybe" is not a boolean'],
    ]);
    expect(quarantined[0]?.data).toEqual(rows[0]?.values);
  });
});

describe('transformChunk', () => {
  it('derives columns in order, null in gives null out, a ratio over zero is set aside', () => {
    const result = transformChunk(
      [
        { line: 2, row: { a: 10, b: 4 } },
        { line: 3, row: { a: null, b: 4 } },
        { line: 4, row: { a: 1, b: 0 } },
      ],
      [
        { name: 'sum', op: 'sum', of: ['a', 'b'] },
        { name: 'share', op: 'ratio', of: ['a', 'sum'], round: 3 },
        { name: 'per_b', op: 'ratio', of: ['a', 'b'] },
      ],
    );
    expect(result.rows).toEqual([
      { line: 2, row: { a: 10, b: 4, sum: 14, share: 0.714, per_b: 2.5 } },
      { line: 3, row: { a: null, b: 4, sum: null, share: null, per_b: null } },
    ]);
    expect(result.quarantined).toEqual([
      {
        line: 4,
        stage: 'transform',
        reason: 'derive_failed',
        detail: 'per_b: ratio of 1 and 0 is not a finite number',
        data: { a: 1, b: 0 },
      },
    ]);
  });
});

describe('validateChunk', () => {
  it('quarantines rows that fail the schema with the first keyword and every error', () => {
    const validate = compileRowSchema({
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' }, total: { type: 'number', minimum: 0 } },
    });
    const { rows, quarantined } = validateChunk(
      [
        { line: 2, row: { id: 'a', total: 3 } },
        { line: 3, row: { total: -1 } },
        { line: 4, row: { id: null, total: 1 } },
      ],
      validate,
    );
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(quarantined.map((q) => [q.line, q.reason, q.detail])).toEqual([
      [3, 'schema_required', "row must have required property 'id'; total must be >= 0"],
      [4, 'schema_type', 'id must be string'],
    ]);
  });
});

describe('modified z-score', () => {
  it('flags the values far from the median in MADs, unmoved by the outliers themselves', () => {
    const values = [10, 11, 9, 10, 12, 10, 9, 11, 10, 500, 480];
    const spread = spreadOf(Float64Array.from(values));
    expect(spread).toMatchObject({ median: 10, mad: 1 });
    const flagged = values.filter((v) => Math.abs(modifiedZ(v, spread)) > 3.5);
    expect(flagged).toEqual([500, 480]);
    expect(modifiedZ(500, spread)).toBeCloseTo(0.6745 * 490, 6);
  });

  it('falls back on the mean absolute deviation when the MAD is 0, and flags nothing in a constant column', () => {
    const spread = spreadOf(Float64Array.from([5, 5, 5, 5, 5, 5, 40]));
    expect(spread.mad).toBe(0);
    expect(modifiedZ(40, spread)).toBeCloseTo(35 / (1.253314 * 5), 6);
    expect(spreadOf(Float64Array.from([3, 3, 3])).scale).toBe(0);
  });
});
