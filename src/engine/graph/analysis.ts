/**
 * Graph algorithms over node indices, shared by validation and compilation. All iterative, so
 * a long chain cannot overflow the call stack.
 */

export interface IndexEdge {
  readonly from: number;
  readonly to: number;
}

function adjacency(size: number, edges: readonly IndexEdge[]): number[][] {
  const out: number[][] = Array.from({ length: size }, () => []);
  edges.forEach((e, i) => {
    out[e.from]?.push(i);
  });
  return out;
}

/** Nodes reachable from `start` (itself included). */
export function reachableFrom(size: number, edges: readonly IndexEdge[], start: number): boolean[] {
  const seen = new Array<boolean>(size).fill(false);
  const out = adjacency(size, edges);
  const stack = [start];
  seen[start] = true;
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const e of out[node] ?? []) {
      const to = edges[e]!.to;
      if (!seen[to]) {
        seen[to] = true;
        stack.push(to);
      }
    }
  }
  return seen;
}

/**
 * Cyclic strongly connected components (Tarjan): components of two or more nodes, or one node
 * with a self-loop. Each component's nodes are sorted; components are sorted by first node.
 */
export function cyclicComponents(size: number, edges: readonly IndexEdge[]): number[][] {
  const out = adjacency(size, edges);
  const index = new Array<number>(size).fill(-1);
  const low = new Array<number>(size).fill(0);
  const onStack = new Array<boolean>(size).fill(false);
  const stack: number[] = [];
  const result: number[][] = [];
  let counter = 0;
  for (let root = 0; root < size; root++) {
    if (index[root] !== -1) continue;
    // Each frame: [node, position in its out-edge list].
    const frames: Array<[number, number]> = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [node, pos] = frame;
      const list = out[node]!;
      if (pos < list.length) {
        frame[1] = pos + 1;
        const to = edges[list[pos]!]!.to;
        if (index[to] === -1) {
          index[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = true;
          frames.push([to, 0]);
        } else if (onStack[to]) {
          low[node] = Math.min(low[node]!, index[to]!);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low[parent[0]] = Math.min(low[parent[0]]!, low[node]!);
      if (low[node] !== index[node]) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack[member] = false;
        component.push(member);
      } while (member !== node);
      const selfLoop = list.some((e) => edges[e]!.to === node);
      if (component.length > 1 || selfLoop) result.push(component.sort((a, b) => a - b));
    }
  }
  return result.sort((a, b) => a[0]! - b[0]!);
}

/**
 * One concrete cycle through the component's first node, as edge indices (BFS inside the
 * component, so the cycle is a shortest one).
 */
export function cycleThrough(component: readonly number[], edges: readonly IndexEdge[]): number[] {
  const inside = new Set(component);
  const start = component[0]!;
  const via = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (let e = 0; e < edges.length; e++) {
      const edge = edges[e]!;
      if (edge.from !== node || !inside.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [e];
        for (let at = node; at !== start; ) {
          const prev = via.get(at)!;
          path.push(prev);
          at = edges[prev]!.from;
        }
        return path.reverse();
      }
      if (!via.has(edge.to)) {
        via.set(edge.to, e);
        queue.push(edge.to);
      }
    }
  }
  return [];
}

/**
 * Back edges: in a DFS from `entry` following out-edges in definition order, an edge whose
 * target is on the DFS stack. Edges never visited by the DFS are not back edges.
 */
export function findBackEdges(size: number, edges: readonly IndexEdge[], entry: number): boolean[] {
  const out = adjacency(size, edges);
  const back = new Array<boolean>(edges.length).fill(false);
  const state = new Array<0 | 1 | 2>(size).fill(0); // 0 new, 1 on stack, 2 done
  const frames: Array<[number, number]> = [[entry, 0]];
  state[entry] = 1;
  while (frames.length > 0) {
    const frame = frames[frames.length - 1]!;
    const [node, pos] = frame;
    const list = out[node]!;
    if (pos >= list.length) {
      state[node] = 2;
      frames.pop();
      continue;
    }
    frame[1] = pos + 1;
    const e = list[pos]!;
    const to = edges[e]!.to;
    if (state[to] === 1) back[e] = true;
    else if (state[to] === 0) {
      state[to] = 1;
      frames.push([to, 0]);
    }
  }
  return back;
}
