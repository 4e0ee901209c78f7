import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { LOOP_ITERATIONS } from '../graphs.js';

export const LoopState = Annotation.Root({
  n: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
});

/**
 * One node adding 1 to `n`, with a conditional edge back to itself while n < 1,000. Each
 * iteration is a superstep, so invoke it with `LOOP_RECURSION_LIMIT` (the default is 25).
 */
export function langgraphLoop() {
  return new StateGraph(LoopState)
    .addNode('step', (s) => ({ n: s.n + 1 }))
    .addEdge(START, 'step')
    .addConditionalEdges('step', (s) => (s.n < LOOP_ITERATIONS ? 'step' : END), ['step', END])
    .compile();
}

export const LOOP_RECURSION_LIMIT = LOOP_ITERATIONS + 100;
