import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { int } from './format.js';
import type { Machine } from './machine.js';
import { describePrevious, keyOf, type PreviousFigures } from './previous.js';
import type { Row, WorkloadResult } from './result.js';
import {
  cells,
  fmtTarget,
  HEADERS,
  markdownTable,
  TARGET_HEADERS,
  targetCells,
  textTable,
} from './table.js';

/** Everything one `npm run bench` produced: what results.json holds. */
export interface BenchReport {
  generatedAt: string;
  mode: 'full' | 'quick';
  reps: number;
  seconds: number;
  machine: Machine;
  workloads: WorkloadResult[];
  failures: Array<{ workload: string; error: string }>;
  /** The previous commit's medians by row (previous.ts), shown beside ours. */
  previous?: PreviousFigures;
}

const previousLine = (r: BenchReport) => {
  const keys = new Set(allRows(r).map(keyOf));
  const from = describePrevious(
    Object.fromEntries(Object.entries(r.previous ?? {}).filter(([k]) => keys.has(k))),
  );
  return from
    ? `Previous (ours) is the median measured on ${from}; Change is ours against it (beware: the machine is shared, differences within the min-max spread are noise).`
    : 'No previous figures of this mode to compare with (.bench/previous.json or BENCHMARKS.md).';
};

const allRows = (r: BenchReport): Row[] => r.workloads.flatMap((w) => w.rows);

export function consoleReport(r: BenchReport): string {
  const rows = allRows(r);
  return [
    textTable(
      HEADERS,
      rows.map((x) => cells(x, r.previous)),
    ),
    '',
    ...r.workloads.flatMap((w) => w.notes.map((n) => `- ${n}`)),
    ...r.failures.map((f) => `FAILED ${f.workload}: ${f.error}`),
    '',
    previousLine(r),
    targetSummary(rows),
  ].join('\n');
}

function targetSummary(rows: Row[]): string {
  const judged = rows.filter((x) => x.pass !== undefined);
  const missed = judged.filter((x) => !x.pass);
  return `Targets: ${judged.length - missed.length} of ${judged.length} met${
    missed.length
      ? `; missed: ${missed.map((x) => `${x.workload} ${x.case} ${x.metric} (${fmtTarget(x.target)})`).join('; ')}`
      : ''
  }.`;
}

export function markdownReport(r: BenchReport): string {
  const m = r.machine;
  const rows = allRows(r);
  const load = `${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end?.toFixed(2) ?? '?'} at end`;
  return `# Benchmarks

Written by \`npm run bench\` (bench/run.ts) on ${r.generatedAt.slice(0, 10)} at ${r.generatedAt.slice(11, 16)} UTC${
    r.mode === 'quick'
      ? '. **Quick mode (BENCH_QUICK=1): smaller sizes and fewer repetitions, a smoke test; do not quote these figures.**'
      : '.'
  } Took ${int(Math.round(r.seconds))} s.

Each workload runs on our engine and on LangGraph.js in the same process run: one warm-up each,
then ${r.reps} rounds of measurements, alternating ours / LangGraph. In memory, ours takes three
measurements per round (each lasts tens of ms). Figures are the median of the measurements with
min-max; **Ours / LangGraph** is the ratio of medians (how many times faster,
or for latencies and memory how many times lower). Where LangGraph is slow it runs fewer runs per
repetition (shown in brackets); its figures are per-node rates, so they compare. Targets are
from issues #5 and #16 and are judged on our median; a target on a ratio to a floor (bare Yoga,
prepared inserts) or to LangGraph is judged on the ratios of the rounds (both measured in the
same round). Each side of the in-memory workloads runs in a clean child process of its own.

## Machine

| | |
| --- | --- |
| CPU | ${m.cpu}, ${m.cores} cores |
| Memory | ${m.memoryGB} GiB |
| Node.js | ${m.node} (${m.platform}) |
| Load average (1 min) | ${load} |
| Commit | ${m.commit} |
${Object.entries(m.packages)
  .map(([name, v]) => `| ${name} | ${v} |`)
  .join('\n')}

## Results

${markdownTable(
  HEADERS,
  rows.map((x) => cells(x, r.previous)),
)}

${previousLine(r)}

${targetSummary(rows)}

## Targets

Each target (issues #5 and #16) with our median and the share of the target it reaches.

${markdownTable(TARGET_HEADERS, rows.filter((x) => x.target).map(targetCells))}
${
  r.failures.length
    ? `\n**Failed workloads:**\n\n${r.failures.map((f) => `- ${f.workload}: ${f.error.split('\n')[0]}`).join('\n')}\n`
    : ''
}
## Notes

${r.workloads.flatMap((w) => w.notes.map((n) => `- ${n}`)).join('\n')}
- LangGraph.js figures the issue quotes for this machine: ~1,240 node exec/s (pipeline), ~1,200
  iterations/s (loop), ~2,000 fan-out branches/s, ~744 node exec/s with the SQLite checkpointer.
  Compare them with the LangGraph column above to judge how loaded the machine was.

## Reproduce

\`\`\`sh
npm run bench                      # everything, under 10 minutes on 2 cores
BENCH_QUICK=1 npm run bench        # smoke test of the harness, about a minute
BENCH_ONLY=durable,scale npm run bench   # some workloads (BENCHMARKS.md is then left alone)
BENCH_REPS=9 npm run bench         # more repetitions
\`\`\`

Workloads: ${r.workloads.map((w) => w.name).join(', ')}. PostgreSQL at BENCH_DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432/test) when it answers. The machine-readable result
of the last run is in .bench/results.json (not committed).
`;
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
