/**
 * `agent-execution-framework/worker`: serve tools from another process. `createWorker` takes
 * tools made with `defineTool` (the same as in-process tools) and runs the server's tasks.
 */
export { defineTool } from '../tools/define-tool.js';
export {
  createWorker,
  type RemoteWorker,
  type WorkerOptions,
} from '../worker-sdk/create-worker.js';
export { GraphQLCallError } from '../worker-sdk/graphql-http.js';
