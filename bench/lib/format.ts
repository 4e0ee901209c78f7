/** Number formatting shared by the console table and the markdown writer. */

/** 1234567 -> "1,234,567"; small values keep up to `digits` significant decimals. */
export function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '-';
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

export function fmtRatio(r: number | undefined): string {
  if (r === undefined || Number.isNaN(r)) return '-';
  return r >= 10 ? `${Math.round(r).toLocaleString('en-US')}x` : `${r.toFixed(2)}x`;
}

export function fmtBytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
