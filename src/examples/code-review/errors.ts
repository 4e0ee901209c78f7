/** Stable codes of the code-review tools' failures; each message says how to fix the input. */
export type CodeReviewErrorCode =
  /** None, or more than one, of `path`, `diff` and `code`; or one of the wrong type. */
  | 'CODE_REVIEW_BAD_INPUT'
  /** A path that leaves the allowed root (`..`, an absolute path elsewhere, a symlink out). */
  | 'CODE_REVIEW_PATH_OUTSIDE_ROOT'
  | 'CODE_REVIEW_NOT_FOUND'
  /** A file that is not JavaScript or TypeScript (by its extension). */
  | 'CODE_REVIEW_NOT_SOURCE'
  /** Too many files, or a file too large. */
  | 'CODE_REVIEW_TOO_LARGE'
  /** A `diff` that is not a unified diff, or names no file. */
  | 'CODE_REVIEW_BAD_DIFF'
  /** A file changed on disk between loading and reviewing it. */
  | 'CODE_REVIEW_FILE_CHANGED'
  /** A `rules` entry ESLint refuses (unknown rule, bad options). */
  | 'CODE_REVIEW_BAD_RULES';

/**
 * A failure of the code-review tools: not retried (the same input fails the same way). The
 * engine records tool errors as TOOL_FAILED; the code leads the message so it stays findable.
 */
export class CodeReviewError extends Error {
  override readonly name = 'CodeReviewError';
  readonly retryable = false;
  constructor(
    readonly code: CodeReviewErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
