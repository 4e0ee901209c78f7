/**
 * `src/main.ts` with the process fixture tools registered (kill_process): the entry a test passes
 * to spawnServer({ entry }) when its graphs need them. Same boot, same signals (src/serve.ts).
 */
import { serve } from '../../../src/serve.js';
import { createProcessFixtureTools } from '../../fixtures/fixture-tools.js';

await serve({ tools: createProcessFixtureTools() });
