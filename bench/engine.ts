/**
 * In-memory executor benchmark: node executions per second for a 4-node pipeline (sequential
 * runs with synchronous tools, and many runs in flight with async tools), a 1,000-iteration
 * self-loop and a 256-branch fan-out with reducers. Warm-up, then the median of several rounds.
 *
 *   npm run bench:engine
 */
import { compileGraphOrThrow } from '../src/engine/compile.js';
import type { CompiledGraph } from '../src/engine/compiled.js';
import type { EventSink, RunEvent } from '../src/engine/events.js';
import { executeRun } from '../src/engine/executor.js';
import type { GraphDef, Patch } from '../src/engine/graph.js';
import type { Tool, ToolContext } from '../src/engine/tool.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const anyConfig = { safeParse: (value: unknown) => ({ success: true as const, data: value }) };

function tool(name: string, run: (ctx: ToolContext<unknown>) => Patch | Promise<Patch>): Tool {
  return { name, description: name, config: anyConfig, run };
}

const tools = [
  tool('put', (ctx) => ({ [ctx.nodeId]: ctx.iteration })),
  tool('put_async', async (ctx) => ({ [ctx.nodeId]: ctx.iteration })),
  tool('count', (ctx) => ({ n: (ctx.state.n as number) + 1 })),
  tool('branch', (ctx) => ({ items: ctx.nodeId, total: 1 })),
];
const resolver = { get: (name: string) => tools.find((t) => t.name === name) };
const compile = (def: GraphDef): CompiledGraph => compileGraphOrThrow(def, resolver);

function pipeline(toolName: string): CompiledGraph {
  const ids = ['a', 'b', 'c', 'd'];
  return compile({
    name: 'pipeline',
    nodes: ids.map((id) => ({ id, tool: toolName })),
    edges: ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id })),
    entry: 'a',
  });
}

const loopGraph = compile({
  name: 'loop',
  state: { n: { reducer: 'replace', default: 0 } },
  nodes: [{ id: 'step', tool: 'count', maxIterations: 1000 }],
  edges: [{ from: 'step', to: 'step', when: 'state.n < 1000' }],
  entry: 'step',
});

const BRANCHES = 256;
const fanOutGraph = compile({
  name: 'fan-out',
  state: { items: { reducer: 'append' }, total: { reducer: 'sum' } },
  nodes: [
    { id: 'start', tool: 'put' },
    ...Array.from({ length: BRANCHES }, (_, i) => ({ id: `b${i}`, tool: 'branch' })),
    { id: 'join', tool: 'put' },
  ],
  edges: Array.from({ length: BRANCHES }, (_, i) => [
    { from: 'start', to: `b${i}` },
    { from: `b${i}`, to: 'join' },
  ]).flat(),
  entry: 'start',
});

/** Keeps the events of the current run, like a real buffering sink. */
function sink(): EventSink {
  const events: RunEvent[] = [];
  return { emit: (e) => void events.push(e) };
}

let runCounter = 0;
async function run(graph: CompiledGraph): Promise<void> {
  const result = await executeRun({ runId: `r${runCounter++}`, graph, sink: sink() });
  if (result.status !== 'SUCCEEDED')
    throw new Error(`run ${result.status}: ${result.error?.message}`);
}

async function sequential(graph: CompiledGraph, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) await run(graph);
}

async function inFlight(graph: CompiledGraph, runs: number, width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < runs) {
      next++;
      await run(graph);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

interface Case {
  name: string;
  nodesPerRound: number;
  round: () => Promise<void>;
}

const cases: Case[] = [
  {
    name: 'pipeline x4, sync tools, 10,000 runs sequential',
    nodesPerRound: 10_000 * 4,
    round: () => sequential(pipeline('put'), 10_000),
  },
  {
    name: 'pipeline x4, async tools, 10,000 runs sequential',
    nodesPerRound: 10_000 * 4,
    round: () => sequential(pipeline('put_async'), 10_000),
  },
  {
    name: 'pipeline x4, async tools, 10,000 runs, 1,000 in flight',
    nodesPerRound: 10_000 * 4,
    round: () => inFlight(pipeline('put_async'), 10_000, 1_000),
  },
  {
    name: 'self-loop, 1,000 iterations (CEL condition), 40 runs',
    nodesPerRound: 40 * 1_000,
    round: () => sequential(loopGraph, 40),
  },
  {
    name: `fan-out ${BRANCHES} + join, append & sum reducers, 150 runs`,
    nodesPerRound: 150 * (BRANCHES + 2),
    round: () => sequential(fanOutGraph, 150),
  },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(
  `executor benchmark (node ${process.version}), median of ${ROUNDS} rounds after warm-up`,
);
// BENCH_ONLY=<index> runs one case (for profiling: node --cpu-prof --import tsx bench/engine.ts).
const only = process.env.BENCH_ONLY;
for (const c of only === undefined ? cases : [cases[Number(only)]!]) {
  await c.round(); // warm-up (JIT)
  await c.round();
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await c.round();
    const cpu = process.cpuUsage(c0);
    rates.push((c.nodesPerRound * 1000) / (performance.now() - t0));
    cpuRates.push((c.nodesPerRound * 1e6) / (cpu.user + cpu.system));
  }
  console.log(
    `${c.name.padEnd(58)} ${fmt(median(rates)).padStart(11)} node executions/s  (min ${fmt(Math.min(...rates))}, max ${fmt(Math.max(...rates))}; per CPU-second ${fmt(median(cpuRates))})`,
  );
}
