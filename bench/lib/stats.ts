/** Order statistics over a set of samples. Benchmarks report medians and spreads, never means. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every sample, in the order taken. */
  samples: number[];
}

/** The q-quantile (0..1) by nearest rank: p99 of 1,000 values is the 990th smallest. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of samples) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { median: median(samples), min, max, samples: [...samples] };
}

/** p50 and p99 of a latency distribution (milliseconds). */
export function latencyPercentiles(latencies: readonly number[]): { p50: number; p99: number } {
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}
