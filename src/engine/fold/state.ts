/**
 * The run state and its deterministic merge (EXECUTOR.md, "State: patches, reducers,
 * determinism"). A key's value is the fold of its contributions sorted by
 * (step, node index, iteration); a contribution that sorts last (the usual case) is folded
 * incrementally, one that arrives early refolds the key from its base. `replace` keys keep no
 * contributions: causally ordered writes always arrive in sort order, and concurrent ones are a
 * STATE_CONFLICT. Contributions older than anything that can still run are compacted into the base.
 *
 * Merging is two-phase so that a rejected patch (conflict, bad value, failing condition) leaves
 * the state untouched: `plan` computes the next state, `commit` makes it current.
 */
import { EngineError } from '../errors.js';
import { isReservedKey, reservedKeyMessage } from '../graph/reserved-keys.js';
import type { Patch, ReducerName, State } from '../graph.js';
import { type Execution, isAncestor } from './execution.js';
import { checkValue, reduce, reduceAll } from './reducers.js';

interface Contribution {
  readonly step: number;
  readonly node: number;
  readonly iteration: number;
  readonly value: unknown;
}

const COMPACT_AT = 64;

class KeySlot {
  value: unknown;
  base: unknown;
  readonly contribs: Contribution[] = [];
  compactAt = COMPACT_AT;
  /** `replace` keys: the execution that wrote the current value. */
  lastWriter: Execution | undefined = undefined;
  constructor(
    readonly key: string,
    readonly reducer: ReducerName,
    initial: unknown,
  ) {
    this.value = initial;
    this.base = initial;
  }
}

function sortsBefore(c: Contribution, e: Execution): boolean {
  if (c.step !== e.step) return c.step < e.step;
  if (c.node !== e.node.index) return c.node < e.node.index;
  return c.iteration < e.iteration;
}

/** Where `e`'s contribution goes in the sorted list (binary search; the end in the usual case). */
function position(list: readonly Contribution[], e: Execution): number {
  const n = list.length;
  if (n === 0 || sortsBefore(list[n - 1]!, e)) return n;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortsBefore(list[mid]!, e)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class StateStore {
  /** The current state: an immutable snapshot, replaced (never mutated) by each commit. */
  state: State;
  /** Set by commit when a key has many contributions; the checkpoint then calls `compact`. */
  needsCompaction = false;
  private readonly slots = new Map<string, KeySlot>();
  private epoch = 0;
  // The pending plan. Per store, not shared: between plan and commit the live run calls the
  // sink, which may synchronously drive another run.
  private planned: State | undefined;
  private readonly planSlots: KeySlot[] = [];
  private readonly planValues: unknown[] = [];
  private readonly planPos: number[] = [];
  private planCount = 0;

  constructor(
    private readonly reducers: Readonly<Record<string, ReducerName>>,
    initial: State,
  ) {
    this.state = initial;
  }

  /**
   * Computes the state after `exec`'s patch without changing the current one. Returns the
   * error (STATE_CONFLICT, INVALID_PATCH) when the patch cannot be merged.
   */
  plan(exec: Execution, patch: Patch): EngineError | undefined {
    this.planCount = 0;
    let next: State | undefined;
    for (const key of Object.keys(patch)) {
      const v = patch[key];
      if (v === undefined) continue;
      if (isReservedKey(key)) return reserved(key, exec);
      const slot = this.slot(key);
      let value: unknown;
      let pos = -1;
      if (slot.reducer === 'replace') {
        const writer = slot.lastWriter;
        if (writer !== undefined && !isAncestor(writer, exec, ++this.epoch)) {
          return conflict(key, writer, exec);
        }
        value = v;
      } else {
        const bad = checkValue(slot.reducer, key, slot.base, v, exec.node.id);
        if (bad !== undefined) return bad;
        pos = position(slot.contribs, exec);
        value =
          pos === slot.contribs.length ? reduce(slot.reducer, slot.value, v) : refold(slot, pos, v);
      }
      const i = this.planCount++;
      this.planSlots[i] = slot;
      this.planValues[i] = value;
      this.planPos[i] = pos;
      if (next === undefined) next = Object.assign({}, this.state);
      next[key] = value;
    }
    this.planned = next ?? this.state;
    return undefined;
  }

  /** The state `plan` computed (what `commit` will make current). */
  get plannedState(): State {
    return this.planned ?? this.state;
  }

  /** Makes the last successful `plan` of `exec` with `patch` current. */
  commit(exec: Execution, patch: Patch): void {
    for (let i = 0; i < this.planCount; i++) {
      const slot = this.planSlots[i]!;
      slot.value = this.planValues[i];
      if (slot.reducer === 'replace') {
        slot.lastWriter = exec;
        continue;
      }
      const c: Contribution = {
        step: exec.step,
        node: exec.node.index,
        iteration: exec.iteration,
        value: patch[slot.key],
      };
      const pos = this.planPos[i]!;
      if (pos === slot.contribs.length) slot.contribs.push(c);
      else slot.contribs.splice(pos, 0, c);
      if (slot.contribs.length >= slot.compactAt) this.needsCompaction = true;
      this.planValues[i] = undefined;
    }
    this.planCount = 0;
    this.state = this.planned ?? this.state;
    this.planned = undefined;
  }

  /**
   * Sets keys outright (a fork's edited state): each becomes its value, with no contributions
   * and no writer, so later writes fold onto it like onto the run's input. Undefined values are
   * ignored; reserved keys are refused by the caller.
   */
  override(patch: Patch): void {
    let next: State | undefined;
    for (const key of Object.keys(patch)) {
      const v = patch[key];
      if (v === undefined) continue;
      const slot = this.slot(key);
      slot.value = v;
      slot.base = v;
      slot.contribs.length = 0;
      slot.lastWriter = undefined;
      if (next === undefined) next = Object.assign({}, this.state);
      next[key] = v;
    }
    if (next !== undefined) this.state = next;
  }

  /**
   * Folds into each key's base the contributions that sort before `minStep`: no execution that
   * can still run has a smaller step, so nothing can be inserted before them any more.
   */
  compact(minStep: number): void {
    this.needsCompaction = false;
    for (const slot of this.slots.values()) {
      const list = slot.contribs;
      if (list.length < slot.compactAt) continue;
      let k = 0;
      while (k < list.length && list[k]!.step < minStep) k++;
      if (k > 0) {
        slot.base = reduceAll(
          slot.reducer,
          slot.base,
          list.slice(0, k).map((c) => c.value),
        );
        list.splice(0, k);
      }
      if (list.length * 2 >= slot.compactAt) slot.compactAt *= 2;
    }
  }

  private slot(key: string): KeySlot {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      // Own keys only: `constructor` must not find Object.prototype.constructor.
      const reducer = Object.hasOwn(this.reducers, key) ? this.reducers[key]! : 'replace';
      const initial = Object.hasOwn(this.state, key) ? this.state[key] : undefined;
      slot = new KeySlot(key, reducer, initial);
      this.slots.set(key, slot);
    }
    return slot;
  }
}

/** The value of `slot` with a contribution of `v` inserted at `pos` (out-of-order arrival). */
function refold(slot: KeySlot, pos: number, v: unknown): unknown {
  const values = slot.contribs.map((c) => c.value);
  values.splice(pos, 0, v);
  return reduceAll(slot.reducer, slot.base, values);
}

function reserved(key: string, exec: Execution): EngineError {
  const nodeId = exec.node.id;
  const message = `Node "${nodeId}" returned a patch with key "${key}": ${reservedKeyMessage(key)}`;
  return new EngineError('INVALID_PATCH', message, nodeId, { key });
}

function conflict(key: string, a: Execution, b: Execution): EngineError {
  const nodes = [a.node.id, b.node.id];
  return new EngineError(
    'STATE_CONFLICT',
    `Nodes "${nodes[0]}" and "${nodes[1]}" both replace state key "${key}" concurrently; declare a reducer for "${key}" (append, merge, sum...) or let only one branch write it`,
    b.node.id,
    { key, nodes },
  );
}
