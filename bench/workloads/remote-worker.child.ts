/** The worker of the remote workload, in its own process: one echo tool, `slots` at once. */
import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.js';
import { createWorker } from '../../src/worker-sdk/create-worker.js';
import { fromParent, type Message, toParent } from '../lib/child.js';

const echo = defineTool({
  name: 'bench_echo',
  description: 'Returns its input',
  input: z.object({ v: z.number() }),
  run: ({ input }) => ({ v: input.v }),
});

const start = await fromParent<Message & { url: string; slots: number }>('start');
const worker = createWorker({
  url: start.url,
  tools: [echo],
  slots: start.slots,
  name: 'bench worker',
});
await worker.start();
await toParent({ type: 'ready' });
await fromParent('stop');
await worker.stop({ graceMs: 1_000 });
process.exit(0);
