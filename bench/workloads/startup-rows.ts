/** The scale workload's start-up rows: the server's RSS once healthy, compiled and under tsx. */
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/runtime-flags.js';
import { fmt } from '../lib/format.js';
import { ROOT } from '../lib/machine.js';
import { type Row, row } from '../lib/result.js';
import { type Settings, size } from '../lib/workload.js';
import { COMPILED_MAIN, compiledAvailable, type StartupSample, startupRss } from './startup.js';

const MB = 1_000_000;

export async function startupRows(s: Settings): Promise<{ rows: Row[]; notes: string[] }> {
  const reps = size(s, 3, 1);
  const sides = [
    {
      name: `compiled, as npm start runs it: node ${SERVER_NODE_FLAGS.join(' ')} dist/main.js`,
      args: [...SERVER_NODE_FLAGS, COMPILED_MAIN],
      target: true,
    },
    {
      name: 'under tsx: node --import tsx src/main.ts',
      args: ['--import', 'tsx', join(ROOT, 'src', 'main.ts')],
      target: false,
    },
  ];
  const compiled = compiledAvailable();
  const samples: Record<string, StartupSample[]> = {};
  for (const side of sides) {
    samples[side.name] = [];
    if (side.target && !compiled) continue;
    for (let i = 0; i < reps; i++) {
      s.log(`scale: start-up RSS, ${side.name} (${i + 1}/${reps})`);
      samples[side.name]!.push(await startupRss(side.args));
    }
  }
  const rows = sides.map((side) =>
    row({
      workload: 'scale',
      case: `server start-up, SQLite, idle, ${side.name}`,
      metric: 'RSS MB',
      higherIsBetter: false,
      ours: samples[side.name]!.map((x) => x.rss / MB),
      ...(side.target ? { target: { op: '<', value: 150 } as const } : {}),
      ...(side.target && !compiled ? { note: 'dist/main.js missing: run npm run build' } : {}),
    }),
  );
  const times = sides
    .filter((side) => samples[side.name]!.length > 0)
    .map(
      (side) =>
        `${side.name}: healthy after ${samples[side.name]!.map((x) => fmt(x.ms)).join(', ')} ms`,
    );
  return {
    rows,
    notes: [
      `scale: start-up RSS is VmRSS (/proc) 0.5 s after /health first answers, on a fresh SQLite file, no examples seeded; ${compiled ? times.join('; ') : `${times.join('; ')}; the compiled server was not measured: dist/main.js is missing (npm run build makes it; the bench does not build)`}.`,
    ],
  };
}
