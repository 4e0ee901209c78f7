import type { Tool } from '../../engine/tool.js';
import { delayTool } from './delay.tool.js';
import { failTool } from './fail.tool.js';
import { humanInputTool } from './human-input.tool.js';
import { incrementTool } from './increment.tool.js';
import { logTool } from './log.tool.js';
import { setStateTool } from './set-state.tool.js';

export { delayTool, MAX_DELAY_MS } from './delay.tool.js';
export { DEFAULT_FAIL_MESSAGE, failTool } from './fail.tool.js';
export {
  DEFAULT_ANSWER_SCHEMA,
  HUMAN_INPUT_TOOL_NAME,
  humanInputTool,
} from './human-input.tool.js';
export { incrementTool } from './increment.tool.js';
export { logTool } from './log.tool.js';
export { setStateTool } from './set-state.tool.js';

/** The framework's own tools: domain-free building blocks for any graph. */
export const genericTools: readonly Tool<unknown>[] = Object.freeze([
  setStateTool,
  delayTool,
  failTool,
  incrementTool,
  logTool,
  humanInputTool,
]);
