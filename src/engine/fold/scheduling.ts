/**
 * Activation rules (EXECUTOR.md, "Scheduling"): edges settle, joins fire or are skipped (dead-path
 * elimination), back edges re-activate their target, maxIterations is checked per activation, and
 * in cyclic graphs the loop-join rule settles edges whose source can no longer run. Pure updates
 * of a RunCheckpoint, called only by the fold.
 */

import type { CompiledEdge, CompiledNode } from '../graph/compiled.js';
import { intersects } from '../graph/info.js';
import { EdgeStatus, type RunCheckpoint, resumeMismatch } from './checkpoint.js';
import { AgendaSkip, Execution } from './execution.js';

const NO_PARENTS: readonly Execution[] = Object.freeze([]);
const { PENDING, TAKEN, DEAD, EXIT_PENDING } = EdgeStatus;

/** Activates `node` (a new iteration), or queues its loop-limit skip / failure. */
export function activate(
  cp: RunCheckpoint,
  node: CompiledNode,
  parents: readonly Execution[],
  step: number,
): void {
  const iteration = cp.iterations[node.index]! + 1;
  const max = node.def.maxIterations;
  if (max !== undefined && iteration > max) {
    cp.push(new AgendaSkip(node, node.def.onLimit === 'exit' ? 'loop_limit' : 'limit', iteration));
    return;
  }
  cp.iterations[node.index] = iteration;
  cp.push(new Execution(node, iteration, step, parents));
}

/** Activates the entry: the first thing RUN_STARTED does. */
export function activateEntry(cp: RunCheckpoint): void {
  activate(cp, cp.graph.entry, NO_PARENTS, 1);
}

/** Settles a forward edge at its target, firing the target once all its inputs are settled. */
function arrive(
  cp: RunCheckpoint,
  edge: CompiledEdge,
  status: EdgeStatus,
  parent?: Execution,
): void {
  const to = edge.to;
  const t = to.index;
  const old = cp.edgeStatus[edge.index]!;
  if (to.inForward.length === 1 && old === PENDING && status !== EXIT_PENDING) {
    // A single input settles its target at once (pipelines): no join bookkeeping.
    if (status === TAKEN) activate(cp, to, [parent!], parent!.step + 1);
    else cp.push(new AgendaSkip(to, 'dead_path', 0));
    return;
  }
  if (status === TAKEN) {
    if (old !== TAKEN) {
      if (old !== DEAD) cp.arrived[t]!++;
      cp.taken[t]!++;
      cp.edgeStatus[edge.index] = TAKEN;
    }
    const list = cp.joinParents[t];
    if (list === undefined) cp.joinParents[t] = [parent!];
    else list.push(parent!);
    if (parent!.step > cp.joinStep[t]!) cp.joinStep[t] = parent!.step;
  } else if (old === PENDING || old === EXIT_PENDING) {
    if (status === DEAD) cp.arrived[t]!++;
    cp.edgeStatus[edge.index] = status;
  } else return;
  if (cp.arrived[t] === to.inForward.length) fire(cp, to);
  else if (cp.pendingFlag[t] === 0) {
    cp.pendingFlag[t] = 1;
    cp.pending.push(to);
  }
}

/** Runs `node` if one of its inputs was taken, else queues its dead-path skip; resets its inputs. */
function fire(cp: RunCheckpoint, node: CompiledNode): void {
  const t = node.index;
  const parents = cp.joinParents[t];
  if (cp.taken[t]! > 0) activate(cp, node, parents ?? NO_PARENTS, cp.joinStep[t]! + 1);
  else cp.push(new AgendaSkip(node, 'dead_path', 0));
  for (const e of node.inForward) cp.edgeStatus[e.index] = PENDING;
  cp.arrived[t] = 0;
  cp.taken[t] = 0;
  cp.joinParents[t] = undefined;
  cp.joinStep[t] = 0;
  cp.pendingFlag[t] = 0;
}

/** True when nothing running or ready can still make `node` run (through forward edges, or any). */
function quiet(cp: RunCheckpoint, node: CompiledNode, viaBackEdges: boolean): boolean {
  if (cp.activeCount[node.index]! > 0) return false;
  return !intersects(cp.activeBits, cp.info.ancestors(node, viaBackEdges));
}

/** How a dead edge settles: dead, or pending while its source can still run (exit edges). */
function deadStatus(cp: RunCheckpoint, edge: CompiledEdge): EdgeStatus {
  return cp.info.exit[edge.index] === 1 && !quiet(cp, edge.from, true) ? EXIT_PENDING : DEAD;
}

/** After NODE_SUCCEEDED: taken edges activate / settle their targets, the others die. */
export function settleOutEdges(cp: RunCheckpoint, exec: Execution, taken: readonly number[]): void {
  const out = exec.node.out;
  const mark = cp.info.mark;
  for (const i of taken) mark[i] = 1;
  let matched = 0;
  for (const e of out) {
    if (mark[e.index] !== 1) continue;
    matched++;
    if (e.isBack) activate(cp, e.to, [exec], exec.step + 1);
    else arrive(cp, e, TAKEN, exec);
  }
  for (const e of out) {
    if (mark[e.index] === 1) mark[e.index] = 0;
    else if (!e.isBack) arrive(cp, e, deadStatus(cp, e));
  }
  if (matched !== taken.length) {
    for (const i of taken) mark[i] = 0;
    throw resumeMismatch(
      `node "${exec.node.id}" took edges [${taken.join(', ')}] it does not have`,
    );
  }
}

/** After a dead_path / loop_limit skip: every outgoing edge dies (dead-path elimination). */
export function killOutEdges(cp: RunCheckpoint, node: CompiledNode): void {
  for (const e of node.out) if (!e.isBack) arrive(cp, e, deadStatus(cp, e));
}

/**
 * The loop-join rule, for cyclic graphs: a pending join fires once each unsettled input's source
 * is quiet (an exit edge's source: through any edge, else through forward edges).
 */
export function settlePending(cp: RunCheckpoint): void {
  if (!cp.info.cyclic || cp.pending.length === 0) return;
  const list = cp.pending;
  let w = 0;
  for (let r = 0; r < list.length; r++) {
    const node = list[r]!;
    if (cp.pendingFlag[node.index] === 0) continue;
    if (canFire(cp, node)) fire(cp, node);
    else list[w++] = node;
  }
  list.length = w;
}

function canFire(cp: RunCheckpoint, node: CompiledNode): boolean {
  for (const e of node.inForward) {
    const s = cp.edgeStatus[e.index];
    if (s === TAKEN || s === DEAD) continue;
    if (!quiet(cp, e.from, cp.info.exit[e.index] === 1)) return false;
  }
  return true;
}

/**
 * The smallest logical step any future contribution can have: no execution that is queued, in
 * flight or about to fire from a pending join has a smaller one. Older contributions are final.
 */
export function minFutureStep(cp: RunCheckpoint): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = cp.agendaHead; i < cp.agenda.length; i++) {
    const item = cp.agenda[i];
    if (item instanceof Execution && item.step < min) min = item.step;
  }
  for (const e of cp.inflight) if (e.step < min) min = e.step;
  let w = 0;
  for (const node of cp.pending) {
    const t = node.index;
    if (cp.pendingFlag[t] === 0) continue;
    cp.pending[w++] = node;
    if (cp.taken[t]! > 0 && cp.joinStep[t]! + 1 < min) min = cp.joinStep[t]! + 1;
  }
  cp.pending.length = w;
  return min;
}
