/**
 * What an `llm` node records besides its result, as CUSTOM events of the node (stable names and
 * shapes: clients, budgets and `Run.usage` read them):
 *
 * - `llm.delta` `{ text, offset }`: streamed text, batched (every ~50 ms or 256 characters, not
 *   one event per token). `offset` is the length of the text before this piece in this attempt,
 *   so a client appends pieces in order and starts over at a piece with offset 0 (a retry, or
 *   the node run again after a restart, which keeps its attempt number).
 * - `llm.usage` (LlmUsage): one per completed model call, also when its output then fails
 *   validation (the tokens were spent).
 */
export const LLM_DELTA_EVENT = 'llm.delta';
export const LLM_USAGE_EVENT = 'llm.usage';

export interface LlmDelta {
  text: string;
  offset: number;
}

/** One model call's usage. Token counts are null when the provider did not report them. */
export interface LlmUsage {
  /** The provider's name in the server's configuration (`default`, `claude`...). */
  provider: string;
  /** The model asked for. */
  model: string;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  /** Input tokens read from the provider's cache, when reported. */
  cachedInputTokens?: number;
  /** Output tokens spent on reasoning, when reported. */
  reasoningTokens?: number;
  /** From sending the request to the end of the answer. */
  latencyMs: number;
  /** From sending the request to the first streamed text or tool call; absent when none came. */
  firstTokenMs?: number;
  /** `stop`, `length`, `tool-calls`, `content-filter`, `error`, `other`. */
  finishReason: string;
}
