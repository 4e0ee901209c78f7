/**
 * ml-inference throughput, items per second, at several batch sizes: the model alone (one
 * session.run per batch on the cached InferenceSession, float32 tensors built per batch) and the
 * whole graph in memory (preprocess -> ... -> save on the 450 held-out images, engine included).
 * Warm-up, then the median of several rounds. Checks the held-out accuracy on the way.
 *
 *   npm run bench:ml            BENCH_ROUNDS=n (default 7)
 */
import { compileGraphOrThrow } from '../src/engine/compile.js';
import { createMemorySink } from '../src/engine/events.js';
import { executeRun } from '../src/engine/executor.js';
import {
  defaultModelMetadata,
  type MlSummary,
  mlInferenceGraph,
} from '../src/examples/ml-inference/index.js';
import { itemsFromCsv } from '../src/examples/ml-inference/items.js';
import { DEFAULT_MODEL_DIR } from '../src/examples/ml-inference/model-files.js';
import { sessionFor } from '../src/examples/ml-inference/model-spec.js';
import { loadRuntime } from '../src/examples/ml-inference/session-cache.js';
import { createBuiltinRegistry } from '../src/tools/builtin.js';
import { median } from './lib/stats.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const meta = defaultModelMetadata();
const { rows } = itemsFromCsv(DEFAULT_MODEL_DIR, meta.holdout, meta.featureCount, 'label');

async function modelOnly(batchSize: number, items: number): Promise<number> {
  const ort = await loadRuntime();
  const session = await sessionFor(DEFAULT_MODEL_DIR, meta.model);
  const width = meta.featureCount;
  const round = async () => {
    const started = performance.now();
    for (let done = 0; done < items; done += batchSize) {
      const n = Math.min(batchSize, items - done);
      const data = new Float32Array(n * width);
      for (let i = 0; i < n; i++) data.set(rows[(done + i) % rows.length]!, i * width);
      const feeds = { [meta.input]: new ort.Tensor('float32', data, [n, width]) };
      await session.run(feeds, [meta.output]);
    }
    return items / ((performance.now() - started) / 1000);
  };
  await round();
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) samples.push(await round());
  return median(samples);
}

const registry = createBuiltinRegistry();
let runs = 0;

async function wholeGraph(
  batchSize: number,
): Promise<{ itemsPerSecond: number; accuracy: number }> {
  const graph = compileGraphOrThrow(
    {
      ...mlInferenceGraph,
      nodes: mlInferenceGraph.nodes.map((n) =>
        n.id === 'features' ? { ...n, config: { batchSize } } : n,
      ),
    },
    registry,
  );
  let accuracy = Number.NaN;
  const round = async () => {
    const started = performance.now();
    const result = await executeRun({
      runId: `bench-${++runs}`,
      graph,
      input: {},
      sink: createMemorySink(),
    });
    const ms = performance.now() - started;
    if (result.status !== 'SUCCEEDED')
      throw new Error(`run ${result.status}: ${JSON.stringify(result.error)}`);
    accuracy = (result.state.summary as MlSummary).accuracy ?? Number.NaN;
    return rows.length / (ms / 1000);
  };
  await round();
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) samples.push(await round());
  return { itemsPerSecond: median(samples), accuracy };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `ml-inference: ${meta.model} (${meta.featureCount} features, ${meta.labels.length} classes), Node ${process.version}, median of ${ROUNDS}`,
);
console.log('\nmodel alone (session.run per batch, 20,000 items per round)');
console.log('batch size | items/s');
for (const batch of [1, 16, 64, 256, 1024])
  console.log(`${String(batch).padStart(10)} | ${fmt(await modelOnly(batch, 20_000))}`);
console.log(
  `\nwhole graph in memory (${rows.length} held-out images per run, engine and state included)`,
);
console.log('batch size | items/s | accuracy');
for (const batch of [1, 16, 64, 450]) {
  const { itemsPerSecond, accuracy } = await wholeGraph(batch);
  console.log(
    `${String(batch).padStart(10)} | ${fmt(itemsPerSecond).padStart(7)} | ${accuracy.toFixed(6)} (scikit-learn ${meta.sklearnAccuracy})`,
  );
}
