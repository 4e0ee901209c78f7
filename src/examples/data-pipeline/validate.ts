import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ChunkResult, LineRow, Quarantined } from './types.js';

/**
 * A row validator compiled once per stage from a JSON Schema; throws with ajv's message when it
 * is bad. A fresh Ajv each time: a schema with an `$id` may be compiled again (config check, run).
 */
export function compileRowSchema(schema: Record<string, unknown>): ValidateFunction {
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

/**
 * Checks each row of a chunk against the schema (pure). A failing row is set aside with the
 * first failing keyword as its reason (`schema_minimum`, `schema_required`...) and every error
 * in the detail, as "total must be >= 0".
 */
export function validateChunk(rows: readonly LineRow[], validate: ValidateFunction): ChunkResult {
  const ok: LineRow[] = [];
  const quarantined: Quarantined[] = [];
  for (const item of rows) {
    if (validate(item.row)) {
      ok.push(item);
      continue;
    }
    const errors = validate.errors ?? [];
    quarantined.push({
      line: item.line,
      stage: 'validate',
      reason: `schema_${errors[0]?.keyword ?? 'invalid'}`,
      detail: errors.map(describe).join('; '),
      data: item.row,
    });
  }
  return { rows: ok, quarantined };
}

function describe(error: ErrorObject): string {
  const at = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  return `${at || 'row'} ${error.message ?? 'is invalid'}`;
}
