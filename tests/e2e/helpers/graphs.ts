/**
 * Graphs the e2e suites run, as `GraphInput` (the createGraph mutation's shape), with what their
 * final state must be. Built only from built-in tools, so a real server process can run them.
 */
export interface ChainOptions {
  name: string;
  /** How many `delay` nodes (d01, d02, ...); each appends its id to `visited`. */
  delays: number;
  /** Milliseconds of delay node i (1-based). Default 50-100 ms, varying per node. */
  ms?: (i: number) => number;
  /** An `increment` node (inc1, inc2, ...) after every `every` delay nodes; 0 for none. */
  incrementEvery?: number;
}

export interface ChainGraph {
  input: Record<string, unknown>;
  /** Node ids in execution order (the graph is one chain). */
  nodeIds: string[];
  /** The final `visited` list when every delay node ran exactly once. */
  visited: string[];
  /** The final `counter` when every increment node ran exactly once. */
  counter: number;
}

const pad = (i: number) => String(i).padStart(2, '0');

/**
 * A pipeline of `delay` nodes, each appending its id to `visited` (reducer append), with
 * `increment` nodes in between (counter + 1 each) and a final `set_state` { done: true }. The
 * final state therefore tells whether every node ran exactly once.
 */
export function delayChain(options: ChainOptions): ChainGraph {
  const ms = options.ms ?? ((i: number) => 50 + ((i * 37) % 51));
  const every = options.incrementEvery ?? 5;
  const nodes: Array<Record<string, unknown>> = [];
  const visited: string[] = [];
  let counter = 0;
  for (let i = 1; i <= options.delays; i++) {
    const id = `d${pad(i)}`;
    visited.push(id);
    nodes.push({ id, tool: 'delay', config: { ms: ms(i), values: { visited: id } } });
    if (every > 0 && i % every === 0) {
      counter++;
      nodes.push({ id: `inc${counter}`, tool: 'increment', config: { key: 'counter', by: 1 } });
    }
  }
  nodes.push({ id: 'done', tool: 'set_state', config: { values: { done: true } } });
  const nodeIds = nodes.map((n) => n.id as string);
  const edges = nodeIds.slice(1).map((to, i) => ({ from: nodeIds[i], to }));
  return {
    input: {
      name: options.name,
      entry: nodeIds[0],
      state: [
        { key: 'visited', reducer: 'APPEND', default: [] },
        { key: 'counter', reducer: 'REPLACE', default: 0 },
      ],
      nodes,
      edges,
      limits: { maxSteps: 10_000, maxDurationMs: 600_000 },
    },
    nodeIds,
    visited,
    counter,
  };
}

/** Four instant nodes: set_state, increment, increment (by 2), set_state. Final counter 3. */
export function quickGraph(name: string): { input: Record<string, unknown>; nodeIds: string[] } {
  return {
    input: {
      name,
      entry: 'seed',
      state: [{ key: 'counter', reducer: 'REPLACE', default: 0 }],
      nodes: [
        { id: 'seed', tool: 'set_state', config: { values: { greeting: 'hello' } } },
        { id: 'one', tool: 'increment', config: { key: 'counter', by: 1 } },
        { id: 'two', tool: 'increment', config: { key: 'counter', by: 2 } },
        { id: 'finish', tool: 'set_state', config: { values: { finished: true } } },
      ],
      edges: [
        { from: 'seed', to: 'one' },
        { from: 'one', to: 'two' },
        { from: 'two', to: 'finish' },
      ],
    },
    nodeIds: ['seed', 'one', 'two', 'finish'],
  };
}
