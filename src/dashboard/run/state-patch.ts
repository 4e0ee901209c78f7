type State = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The statePatch that turns `before` into `edited`: the keys added or changed, set outright
 * (forkRun sets them, it does not merge); a key removed is set to null, as a patch cannot delete.
 */
export function statePatchBetween(before: State, edited: State): State {
  const patch: State = {};
  for (const [k, v] of Object.entries(edited)) if (!same(before[k], v)) patch[k] = v;
  for (const k of Object.keys(before)) if (!(k in edited)) patch[k] = null;
  return patch;
}

/** The edited text as a state object, or why it is not one. */
export function parseState(text: string): { ok: true; state: State } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, why: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, why: 'the state is a JSON object of keys' };
  return { ok: true, state: value as State };
}
