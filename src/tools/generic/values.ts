import { z } from 'zod';

/** A state patch given in node config: returned as-is, so the graph's reducers apply. */
export const patchValues = z
  .record(z.string(), z.unknown())
  .describe('State patch to return; each key folds with its reducer');
