import { z } from 'zod';
import { defineTool } from '../define-tool.js';
import { patchValues } from './values.js';

/** Returns `config.values` as the patch: seeds or overwrites state keys from the graph itself. */
export const setStateTool = defineTool({
  name: 'set_state',
  description: 'Returns config.values as the state patch (reducers apply per key)',
  config: z.strictObject({ values: patchValues.default({}) }),
  run: ({ config }) => ({ ...config.values }),
});
