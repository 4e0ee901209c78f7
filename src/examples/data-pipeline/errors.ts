import { NonRetryableError } from '../../engine/errors.js';

/** Stable codes of the data pipeline's errors (they start the message too). */
export type PipelineErrorCode =
  | 'SOURCE_MISSING'
  | 'SOURCE_NOT_FOUND'
  | 'SOURCE_OUTSIDE_DATA_DIR'
  | 'SOURCE_INVALID'
  | 'MISSING_COLUMNS'
  | 'STAGE_MISSING'
  | 'TABLE_MISMATCH'
  | 'STORE_FAILED';

/** A pipeline failure that retrying cannot fix: bad input or config. */
export class PipelineError extends NonRetryableError {
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
