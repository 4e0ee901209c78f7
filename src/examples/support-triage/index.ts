import type { Tool } from '../../engine/tool.js';
import { lookupCustomerTool } from './lookup-customer.tool.js';
import { recordOutcomeTool } from './record-outcome.tool.js';
import { searchDocsTool } from './search-docs.tool.js';

export { type Customer, findCustomer } from './customers.js';
export { supportTriageGraph } from './graph.js';
export { ARTICLES, searchArticles } from './knowledge-base.js';
export { lookupCustomerTool } from './lookup-customer.tool.js';
export { recordOutcomeTool, type TriageOutcome, triageOutcomes } from './record-outcome.tool.js';
export { searchDocsTool } from './search-docs.tool.js';

/** The tools `supportTriageGraph` runs besides `agent`, `llm` and `human_input`. */
export const supportTriageTools: readonly Tool<unknown>[] = Object.freeze([
  searchDocsTool,
  lookupCustomerTool,
  recordOutcomeTool,
]);
