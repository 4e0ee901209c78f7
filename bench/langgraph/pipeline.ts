import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { PIPELINE_NODES } from '../graphs.js';

/** The pipeline's state: one counter, last write wins (our `replace`). */
export const PipelineState = Annotation.Root({
  counter: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
});

/** START -> a -> b -> c -> d -> END, each node adding 1 to the counter: bench/graphs.ts's pipeline. */
export function langgraphPipeline(checkpointer?: BaseCheckpointSaver) {
  const ids = Array.from({ length: PIPELINE_NODES }, (_, i) => String.fromCharCode(97 + i));
  const graph = new StateGraph<
    typeof PipelineState.spec,
    typeof PipelineState.State,
    typeof PipelineState.Update,
    string
  >(PipelineState);
  for (const id of ids) graph.addNode(id, (s) => ({ counter: s.counter + 1 }));
  graph.addEdge(START, ids[0]!);
  for (let i = 1; i < ids.length; i++) graph.addEdge(ids[i - 1]!, ids[i]!);
  graph.addEdge(ids.at(-1)!, END);
  return graph.compile(checkpointer ? { checkpointer } : {});
}

export type LangGraphPipeline = ReturnType<typeof langgraphPipeline>;
