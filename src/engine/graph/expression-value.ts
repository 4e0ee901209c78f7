/**
 * CEL value -> JSON value, for node `inputs`: ints (BigInt) become numbers, CEL maps (Map or
 * null-prototype objects) plain objects, bytes a base64 string. Depth-capped like the way in.
 */
const MAX_DEPTH = 64;

export function fromCel(value: unknown, depth: number): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => fromCel(v, depth + 1));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  const out: Record<string, unknown> = {};
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  for (const [k, v] of entries) {
    // defineProperty: a key named __proto__ stays a plain own key.
    Object.defineProperty(out, String(k), {
      value: fromCel(v, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
