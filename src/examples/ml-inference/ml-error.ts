import { EngineError } from '../../engine/errors.js';

/**
 * Stable codes of the ml-inference tools' failures, in `error.details.code` of the run (the
 * engine code is TOOL_FAILED). None is retried: the input, the file or the model must change.
 */
export type MlErrorCode =
  /** Neither `items` nor `itemsFile` gave an item. */
  | 'ML_NO_ITEMS'
  /** More items than the node's `maxItems`. */
  | 'ML_TOO_MANY_ITEMS'
  /** An item is not an array of finite numbers (or `{ features }` with one). */
  | 'ML_BAD_ITEM'
  /** An item has another number of features than the model's input takes. */
  | 'ML_FEATURE_COUNT'
  /** A model or items file outside ML_MODEL_DIR, absolute, or with the wrong extension. */
  | 'ML_PATH_REFUSED'
  /** The model or items file does not exist in ML_MODEL_DIR. */
  | 'ML_FILE_NOT_FOUND'
  /** The items CSV could not be parsed, or a cell is not a number. */
  | 'ML_BAD_CSV'
  /** The `model` spec (run input or node config) has the wrong shape. */
  | 'ML_BAD_MODEL_SPEC'
  /** onnxruntime could not load the file, or its input is not a float tensor [N, F]. */
  | 'ML_MODEL_INVALID'
  /** The spec names an input or output tensor the model does not have. */
  | 'ML_TENSOR_NOT_FOUND'
  /** The number of labels is not the number of scores the model gives per item. */
  | 'ML_LABELS_MISMATCH'
  /** A state key an earlier node writes is missing or malformed (the graph was changed). */
  | 'ML_STATE_MISSING';

/** A failure of the ml-inference example, never retried; `details` carries the stable code. */
export class MlError extends EngineError {
  readonly retryable = false;
  constructor(
    readonly mlCode: MlErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super('TOOL_FAILED', `${mlCode}: ${message}`, undefined, { code: mlCode, ...details });
  }
}
