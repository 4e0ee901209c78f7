import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../../../src/examples/ml-inference/index.js';
import { GRAPH_BY_NAME, type GraphData, runToEnd } from '../../api/operations.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { accuracyOf, loadHoldout, type MlResult, type MlSummary } from './holdout.js';

const { meta, truth } = loadHoldout();

async function seededGraph(t: TestApp): Promise<GraphData> {
  const data = await t.ok<{ graphByName: GraphData }>(GRAPH_BY_NAME, { name: 'ml-inference' });
  return data.graphByName;
}

describe('ml-inference through the API (the seeded graph, SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('classifies the held-out split with no input, as the dashboard and GraphiQL start it', async () => {
    const run = await runToEnd(t, (await seededGraph(t)).id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('SUCCEEDED');
    const state = run.state as { results: MlResult[]; summary: MlSummary };
    expect(state.results).toHaveLength(meta.holdoutSize);
    expect(accuracyOf(state.results, truth)).toBeGreaterThanOrEqual(meta.sklearnAccuracy - 0.005);
    expect(state.summary.accuracy).toBeGreaterThanOrEqual(meta.sklearnAccuracy - 0.005);
  });

  it('answers a path out of the model folder with ML_PATH_REFUSED in the run error', async () => {
    const run = await runToEnd(t, (await seededGraph(t)).id, {
      model: { file: '../../../../etc/shadow.onnx' },
    });
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatchObject({
      code: 'TOOL_FAILED',
      nodeId: 'preprocess',
      details: { code: 'ML_PATH_REFUSED' },
    });
  });
});

describe('ml-inference with ML_MODEL_DIR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-env-dir-'));
  let t: TestApp;
  beforeAll(async () => {
    copyFileSync(join(DEFAULT_MODEL_DIR, meta.model), join(dir, 'served.onnx'));
    copyFileSync(join(DEFAULT_MODEL_DIR, meta.holdout), join(dir, 'set.csv'));
    t = await createTestApp({ env: { ML_MODEL_DIR: dir } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads models and items from that folder only', async () => {
    const graph = await seededGraph(t);
    const run = await runToEnd(t, graph.id, {
      itemsFile: 'set.csv',
      model: { file: 'served.onnx', labels: meta.labels },
    });
    expect(run.error).toBeNull();
    const results = (run.state as { results: MlResult[] }).results;
    expect(accuracyOf(results, truth)).toBeGreaterThanOrEqual(meta.sklearnAccuracy - 0.005);
    const defaults = await runToEnd(t, graph.id);
    expect(defaults.error).toMatchObject({ details: { code: 'ML_FILE_NOT_FOUND' } });
  });
});
