import { z } from 'zod';
import type { ChunkResult, LineRow, Quarantined, Value } from './types.js';

/** Identifiers of columns: what a SQL table can hold without surprises. */
export const COLUMN_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * A derived column, declared as data (no code, no eval): `name = a <op> b`, optionally rounded.
 * A null operand gives null; a ratio over 0 sets the row aside (`derive_failed`).
 */
export const derivationSchema = z.strictObject({
  name: z.string().regex(COLUMN_NAME, 'lower-case letters, digits and _, starting with a letter'),
  op: z.enum(['sum', 'difference', 'product', 'ratio']),
  of: z.tuple([z.string(), z.string()]).describe('The two operand columns, in order'),
  round: z.number().int().min(0).max(12).optional().describe('Decimal places to round to'),
});
export type Derivation = z.output<typeof derivationSchema>;

const OPS: Record<Derivation['op'], (a: number, b: number) => number> = {
  sum: (a, b) => a + b,
  difference: (a, b) => a - b,
  product: (a, b) => a * b,
  ratio: (a, b) => a / b,
};

/**
 * Adds the derived columns to each row of a chunk (pure). Derivations run in order, so one may
 * use a column derived before it.
 */
export function transformChunk(
  rows: readonly LineRow[],
  derive: readonly Derivation[],
): ChunkResult {
  const out: LineRow[] = [];
  const quarantined: Quarantined[] = [];
  for (const { line, row } of rows) {
    const next: Record<string, Value> = { ...row };
    let failed: string | undefined;
    for (const d of derive) {
      const [a, b] = [next[d.of[0]], next[d.of[1]]];
      if (a === null || b === null || a === undefined || b === undefined) {
        next[d.name] = null;
        continue;
      }
      if (typeof a !== 'number' || typeof b !== 'number') {
        failed = `${d.name}: ${d.op} needs numbers, got ${JSON.stringify(a)} and ${JSON.stringify(b)}`;
        break;
      }
      const value = OPS[d.op](a, b);
      if (!Number.isFinite(value)) {
        failed = `${d.name}: ${d.op} of ${a} and ${b} is not a finite number`;
        break;
      }
      next[d.name] = d.round === undefined ? value : roundTo(value, d.round);
    }
    if (failed === undefined) out.push({ line, row: next });
    else
      quarantined.push({
        line,
        stage: 'transform',
        reason: 'derive_failed',
        detail: failed,
        data: row,
      });
  }
  return { rows: out, quarantined };
}

export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
