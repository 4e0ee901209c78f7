import type { GraphDef, RunEvent } from '../api/types.js';

type State = Record<string, unknown>;

const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** One contribution folded into a key, with the engine's reducers (src/engine/fold/reducers.ts). */
function reduce(reducer: string, current: unknown, value: unknown): unknown {
  switch (reducer) {
    case 'append':
      return asArray(current).concat(Array.isArray(value) ? value : [value]);
    case 'merge':
      return { ...(current as object), ...(value as object) };
    case 'sum':
      return ((current as number | undefined) ?? 0) + (value as number);
    case 'max':
      return current === undefined ? value : Math.max(current as number, value as number);
    case 'min':
      return current === undefined ? value : Math.min(current as number, value as number);
    default:
      return value;
  }
}

/**
 * The state after event `seq`: the state RUN_STARTED recorded, with each NODE_SUCCEEDED patch
 * up to `seq` folded in log order by the graph's reducers; a terminal event's own state when
 * `seq` is one. (Concurrent branches' append order may differ from the engine's deterministic
 * order; replace keys cannot, concurrent replaces are a conflict.)
 */
export function stateAt(
  events: readonly RunEvent[],
  seq: number,
  def: GraphDef | undefined,
): State {
  const at = events.find((e) => e.seq === seq);
  if (at?.data && typeof at.data.state === 'object' && at.type !== 'RUN_STARTED')
    return at.data.state as State;
  let state: State = {};
  for (const e of events) {
    if (e.seq > seq) break;
    if (e.type === 'RUN_STARTED') state = { ...(e.data.state as State) };
    else if (e.type === 'NODE_SUCCEEDED') {
      const patch = (e.data.patch ?? {}) as State;
      const next = { ...state };
      for (const [k, v] of Object.entries(patch))
        next[k] = reduce(def?.state?.[k]?.reducer ?? 'replace', next[k], v);
      state = next;
    }
  }
  return state;
}
