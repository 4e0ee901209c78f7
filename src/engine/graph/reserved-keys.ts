/**
 * State keys that would reach JavaScript's object machinery instead of the run's data:
 * `__proto__` (assigning it changes an object's prototype), `constructor` and `prototype`
 * (inherited by every plain object, so a lookup finds them even when the state has no such key).
 * Validation refuses them in a graph (state declarations, conditions) and the executor refuses
 * them in run input and tool patches, so a state never holds one.
 */
export const RESERVED_STATE_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

/** Called for every patch key: plain comparisons, cheaper than a Set lookup. */
export function isReservedKey(key: string): boolean {
  const n = key.length;
  if (n !== 9 && n !== 11) return false;
  return key === '__proto__' || key === 'prototype' || key === 'constructor';
}

/** The shared reason, for validation issues and INVALID_PATCH messages. */
export function reservedKeyMessage(key: string): string {
  return `State key "${key}" is reserved (it names JavaScript object internals: ${[...RESERVED_STATE_KEYS].join(', ')}); rename the key`;
}
