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
import { USAGE_EVENT } from '../engine/index.js';

export const LLM_DELTA_EVENT = 'llm.delta';
/** The engine's USAGE_EVENT: budgets and Run.usage sum these. */
export const LLM_USAGE_EVENT = USAGE_EVENT;

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
  /** US dollars, from the server's price table (LLM_PRICES), when the model has a price. */
  costUsd?: number;
}

/** A model call's cost in US dollars from the price table, or undefined when it has no price. */
export function costOf(
  usage: LlmUsage,
  prices: Readonly<Record<string, { inputPerMTok: number; outputPerMTok: number }>> | undefined,
): number | undefined {
  if (prices === undefined) return undefined;
  const full = `${usage.provider}/${usage.model}`;
  const key = Object.hasOwn(prices, full)
    ? full
    : Object.hasOwn(prices, usage.model)
      ? usage.model
      : undefined;
  if (key === undefined) return undefined;
  const price = prices[key]!;
  const cost =
    ((usage.inputTokens ?? 0) * price.inputPerMTok +
      (usage.outputTokens ?? 0) * price.outputPerMTok) /
    1_000_000;
  return Math.round(cost * 1e9) / 1e9;
}

/** The llm.usage payload: the usage, with its cost when the model has a price. */
export function usagePayload(
  usage: LlmUsage,
  prices: Parameters<typeof costOf>[1],
): LlmUsage & { costUsd?: number } {
  const costUsd = costOf(usage, prices);
  return costUsd === undefined ? usage : { ...usage, costUsd };
}
