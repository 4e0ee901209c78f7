import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { FAN_OUT_BRANCHES } from '../graphs.js';

/** Our `append` and `sum` reducers as Annotation reducers. */
export const FanOutState = Annotation.Root({
  items: Annotation<string[]>({ reducer: (old, next) => old.concat(next), default: () => [] }),
  total: Annotation<number>({ reducer: (old, next) => old + next, default: () => 0 }),
});

/** start -> 256 branches (one superstep) -> join: bench/graphs.ts's fan-out. */
export function langgraphFanOut() {
  const branches = Array.from({ length: FAN_OUT_BRANCHES }, (_, i) => `b${i}`);
  const graph = new StateGraph<
    typeof FanOutState.spec,
    typeof FanOutState.State,
    typeof FanOutState.Update,
    string
  >(FanOutState);
  graph.addNode('start', () => ({}));
  for (const id of branches) graph.addNode(id, () => ({ items: [id], total: 1 }));
  graph.addNode('join', () => ({}));
  graph.addEdge(START, 'start');
  for (const id of branches) graph.addEdge('start', id);
  // One edge from all branches: join waits for every one of them, as our join does.
  graph.addEdge(branches, 'join');
  graph.addEdge('join', END);
  return graph.compile();
}
