/**
 * What the executor precomputes once per CompiledGraph (cached in a WeakMap): exit edges of
 * cycles, run limits, which nodes have conditional out-edges, and (lazily, per node) ancestor
 * bitsets for the loop-join rule: "can a running or ready node still reach this source?".
 */

import { DEFAULT_MAX_STEPS } from '../graph.js';
import { cyclicComponents } from './analysis.js';
import type { CompiledGraph, CompiledNode } from './compiled.js';

export class GraphInfo {
  readonly size: number;
  /** 32-bit words per node bitset. */
  readonly words: number;
  /** The graph has a back edge: joins may need the quiet-source check. */
  readonly cyclic: boolean;
  /**
   * Per edge: 1 when it leaves a cycle (forward edge from a node of a cyclic component to a node
   * outside it). A dead exit edge stays pending while its source can still run again.
   */
  readonly exit: Uint8Array;
  /** Per node: 1 when one of its out-edges has a condition. */
  readonly conditional: Uint8Array;
  /** Scratch per edge for reading NODE_SUCCEEDED.taken (set and cleared within one call). */
  readonly mark: Uint8Array;
  /** Per node: the indices of all its out-edges (NODE_SUCCEEDED.taken when none is conditional). */
  readonly allOut: readonly (readonly number[])[];
  readonly maxSteps: number;
  readonly maxDurationMs: number;
  private readonly fwd: (Uint32Array | undefined)[];
  private readonly all: (Uint32Array | undefined)[];

  constructor(private readonly graph: CompiledGraph) {
    const n = graph.nodes.length;
    this.size = n;
    this.words = (n + 31) >>> 5;
    this.cyclic = graph.edges.some((e) => e.isBack);
    this.exit = new Uint8Array(graph.edges.length);
    this.mark = new Uint8Array(graph.edges.length);
    this.conditional = new Uint8Array(n);
    for (const e of graph.edges) if (e.condition !== undefined) this.conditional[e.from.index] = 1;
    this.allOut = graph.nodes.map((node) => Object.freeze(node.out.map((e) => e.index)));
    if (this.cyclic) {
      const component = new Int32Array(n).fill(-1);
      const ends = graph.edges.map((e) => ({ from: e.from.index, to: e.to.index }));
      cyclicComponents(n, ends).forEach((members, c) => {
        for (const m of members) component[m] = c;
      });
      for (const e of graph.edges) {
        const c = component[e.from.index]!;
        if (!e.isBack && c >= 0 && component[e.to.index] !== c) this.exit[e.index] = 1;
      }
    }
    this.maxSteps = graph.def.limits?.maxSteps ?? DEFAULT_MAX_STEPS;
    this.maxDurationMs = graph.def.limits?.maxDurationMs ?? 0;
    this.fwd = new Array(n).fill(undefined);
    this.all = new Array(n).fill(undefined);
  }

  /**
   * Bitset of the nodes from which `node` is reachable (itself included): through forward edges
   * only, or through every edge when `viaBackEdges`.
   */
  ancestors(node: CompiledNode, viaBackEdges: boolean): Uint32Array {
    const cache = viaBackEdges ? this.all : this.fwd;
    const hit = cache[node.index];
    if (hit !== undefined) return hit;
    const bits = new Uint32Array(this.words);
    const stack: CompiledNode[] = [node];
    bits[node.index >>> 5]! |= 1 << (node.index & 31);
    while (stack.length > 0) {
      const x = stack.pop()!;
      const ins = viaBackEdges ? x.inForward.concat(x.inBack) : x.inForward;
      for (const e of ins) {
        const i = e.from.index;
        const mask = 1 << (i & 31);
        if ((bits[i >>> 5]! & mask) !== 0) continue;
        bits[i >>> 5]! |= mask;
        stack.push(e.from);
      }
    }
    cache[node.index] = bits;
    return bits;
  }

  get nodes(): readonly CompiledNode[] {
    return this.graph.nodes;
  }
}

const cache = new WeakMap<CompiledGraph, GraphInfo>();

export function graphInfo(graph: CompiledGraph): GraphInfo {
  let info = cache.get(graph);
  if (info === undefined) {
    info = new GraphInfo(graph);
    cache.set(graph, info);
  }
  return info;
}

/** True when the two bitsets share a bit. */
export function intersects(a: readonly number[], b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i]! & b[i]!) !== 0) return true;
  return false;
}
