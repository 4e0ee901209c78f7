/**
 * Robust outliers: the modified z-score of Iglewicz and Hoaglin, M = 0.6745 (x - median) / MAD,
 * flagged when |M| > threshold (3.5 is their recommendation). Median and MAD are not pulled by
 * the outliers themselves, unlike the mean and standard deviation (five huge totals in a few
 * hundred rows inflate the stddev enough to hide each other). When MAD is 0 (over half the values
 * equal) the mean absolute deviation stands in (M = (x - median) / (1.253314 MeanAD)); when that
 * is 0 too the column is constant and has none.
 */
export interface ColumnSpread {
  count: number;
  median: number;
  mad: number;
  /** The denominator used: 0.6745 / MAD, or 1 / (1.253314 MeanAD); 0 = constant column. */
  scale: number;
}

export function median(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median, MAD and the score's scale of `values` (the array is sorted in place). */
export function spreadOf(values: Float64Array): ColumnSpread {
  values.sort();
  const m = median(values);
  const deviations = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    deviations[i] = Math.abs(values[i]! - m);
    sum += deviations[i]!;
  }
  deviations.sort();
  const mad = median(deviations);
  const meanAd = values.length === 0 ? 0 : sum / values.length;
  const scale = mad > 0 ? 0.6745 / mad : meanAd > 0 ? 1 / (1.253314 * meanAd) : 0;
  return { count: values.length, median: m, mad, scale };
}

/** The modified z-score of `x` in a column of this spread (0 for a constant column). */
export function modifiedZ(x: number, spread: ColumnSpread): number {
  return (x - spread.median) * spread.scale;
}

/** A growable array of doubles: a million values cost 8 MB, not a million boxed numbers. */
export class DoubleList {
  private data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
