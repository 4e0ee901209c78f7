/**
 * Our side of every workload, as stored graph definitions over the built-in tools: `increment`
 * (a counter), `set_state` (a small array item and a number, folded by `append` and `sum`) and
 * `delay`. The LangGraph equivalents are in bench/langgraph/.
 */
import type { GraphDef } from '../src/engine/index.js';

export const PIPELINE_NODES = 4;
export const LOOP_ITERATIONS = 1_000;
export const FAN_OUT_BRANCHES = 256;
/** start + branches + join. */
export const FAN_OUT_NODES = FAN_OUT_BRANCHES + 2;
/** RUN_STARTED, NODE_STARTED and NODE_SUCCEEDED per node, RUN_SUCCEEDED. */
export const eventsPerRun = (nodes: number): number => 2 + 2 * nodes;

/** a -> b -> c -> d, each adding 1 to `counter` (`tool` defaults to the built-in `increment`). */
export function pipelineGraph(name = 'bench-pipeline', tool = 'increment'): GraphDef {
  const ids = Array.from({ length: PIPELINE_NODES }, (_, i) => String.fromCharCode(97 + i));
  return {
    name,
    nodes: ids.map((id) => ({ id, tool, config: { key: 'counter' } })),
    edges: ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id })),
    entry: 'a',
  };
}

/** One node adding 1 to `n` and looping back to itself while n < 1,000. */
export function loopGraph(): GraphDef {
  return {
    name: 'bench-loop',
    state: { n: { reducer: 'replace', default: 0 } },
    nodes: [
      {
        id: 'step',
        tool: 'increment',
        config: { key: 'n' },
        maxIterations: LOOP_ITERATIONS + 1,
      },
    ],
    edges: [{ from: 'step', to: 'step', when: `state.n < ${LOOP_ITERATIONS}` }],
    entry: 'step',
  };
}

/** start -> 256 branches -> join; each branch appends its id to `items` and adds 1 to `total`. */
export function fanOutGraph(): GraphDef {
  const branches = Array.from({ length: FAN_OUT_BRANCHES }, (_, i) => `b${i}`);
  return {
    name: 'bench-fan-out',
    state: { items: { reducer: 'append', default: [] }, total: { reducer: 'sum', default: 0 } },
    nodes: [
      { id: 'start', tool: 'set_state', config: { values: {} } },
      ...branches.map((id) => ({
        id,
        tool: 'set_state',
        config: { values: { items: [id], total: 1 } },
      })),
      { id: 'join', tool: 'set_state', config: { values: {} } },
    ],
    edges: branches.flatMap((id) => [
      { from: 'start', to: id },
      { from: id, to: 'join' },
    ]),
    entry: 'start',
  };
}

/** A run that waits on a timer, then counts: what "10,000 runs in flight" holds in memory. */
export function waitingGraph(ms: number): GraphDef {
  return {
    name: 'bench-waiting',
    nodes: [
      { id: 'wait', tool: 'delay', config: { ms } },
      { id: 'count', tool: 'increment', config: { key: 'counter' } },
    ],
    edges: [{ from: 'wait', to: 'count' }],
    entry: 'wait',
  };
}

/**
 * For the subscriber fan-out: a gate (time for every subscriber to attach), then `steps` nodes
 * `stepMs` apart, so events arrive as a live run makes them rather than in one burst.
 */
export function broadcastGraph(gateMs: number, steps: number, stepMs: number): GraphDef {
  const ids = Array.from({ length: steps }, (_, i) => `step${i + 1}`);
  return {
    name: `bench-broadcast-${gateMs}-${steps}-${stepMs}`,
    nodes: [
      { id: 'gate', tool: 'delay', config: { ms: gateMs } },
      ...ids.map((id, i) => ({
        id,
        tool: 'delay',
        config: { ms: stepMs, values: { step: i + 1 } },
      })),
    ],
    edges: ['gate', ...ids].slice(0, -1).map((from, i) => ({ from, to: ids[i]! })),
    entry: 'gate',
  };
}

/** The most iterations a node may declare (the graph schema's maxIterations bound). */
export const LONG_LOOP_ITERATIONS = 100_000;

/**
 * The loop of `loopGraph`, `iterations` long, for the responsiveness workload: one node adding 1
 * to `n` while n < iterations. A run's maxSteps defaults to 10,000 node starts, so the graph
 * raises limits.maxSteps above the loop's length.
 */
export function longLoopGraph(iterations = LONG_LOOP_ITERATIONS): GraphDef {
  return {
    name: `bench-long-loop-${iterations}`,
    state: { n: { reducer: 'replace', default: 0 } },
    nodes: [{ id: 'step', tool: 'increment', config: { key: 'n' }, maxIterations: iterations }],
    edges: [{ from: 'step', to: 'step', when: `state.n < ${iterations}` }],
    entry: 'step',
    limits: { maxSteps: iterations + 1 },
  };
}
