import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGraphOrThrow } from '../../../src/engine/compile.js';
import { createMemorySink } from '../../../src/engine/events.js';
import { executeRun } from '../../../src/engine/executor.js';
import type { State } from '../../../src/engine/graph.js';
import { DEFAULT_MODEL_DIR, mlInferenceGraph } from '../../../src/examples/ml-inference/index.js';
import { createBuiltinRegistry } from '../../../src/tools/builtin.js';
import { runExample } from '../run-example.js';

const LABELS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const pixels = (n: number) => Array.from({ length: n }, (_, i) => i % 17);

async function failure(input: State, run = runExample) {
  const result = await run(mlInferenceGraph, input);
  expect(result.status).toBe('FAILED');
  const error = result.error as {
    code: string;
    nodeId: string;
    message: string;
    details: { code: string };
  };
  expect(error.code).toBe('TOOL_FAILED');
  return {
    ...error,
    mlCode: error.details.code,
    attempts: result.events.filter((e) => e.type === 'NODE_STARTED' && e.nodeId === error.nodeId)
      .length,
  };
}

describe('ml-inference refuses bad items with a stable code', () => {
  it('ML_FEATURE_COUNT names the item and both counts, and is not retried', async () => {
    const error = await failure({ items: [pixels(64), pixels(63)] });
    expect(error).toMatchObject({ nodeId: 'preprocess', mlCode: 'ML_FEATURE_COUNT', attempts: 1 });
    expect(error.details).toMatchObject({ index: 1, expected: 64, got: 63 });
    expect(error.message).toContain('items[1] has 63 features; the model takes 64');
  });

  it('ML_BAD_ITEM for a feature that is not a finite number, or an item that is not a list', async () => {
    const text = await failure({ items: [{ id: 'a', features: [...pixels(63), 'x'] }] });
    expect(text).toMatchObject({ mlCode: 'ML_BAD_ITEM', details: { index: 0, feature: 63 } });
    expect((await failure({ items: ['not an item'] })).mlCode).toBe('ML_BAD_ITEM');
    expect((await failure({ items: 'nope' })).mlCode).toBe('ML_BAD_ITEM');
  });

  it('ML_NO_ITEMS for an empty list or no items at all', async () => {
    expect((await failure({ items: [] })).mlCode).toBe('ML_NO_ITEMS');
    expect((await failure({ itemsFile: null })).mlCode).toBe('ML_NO_ITEMS');
  });

  it('ML_BAD_MODEL_SPEC, ML_TENSOR_NOT_FOUND and ML_LABELS_MISMATCH for a wrong model spec', async () => {
    const spec = await failure({ model: { file: 5, extra: true } });
    expect(spec.mlCode).toBe('ML_BAD_MODEL_SPEC');
    expect(spec.message).toMatch(/model\.file/);
    const input = await failure({ model: { input: 'pixels' } });
    expect(input).toMatchObject({
      mlCode: 'ML_TENSOR_NOT_FOUND',
      details: { available: ['input'] },
    });
    expect((await failure({ model: { output: 'logits' } })).mlCode).toBe('ML_TENSOR_NOT_FOUND');
    const labels = await failure({ model: { labels: ['a', 'b', 'c'] } });
    expect(labels).toMatchObject({
      mlCode: 'ML_LABELS_MISMATCH',
      details: { labels: 3, classes: 10 },
    });
  });
});

describe('ml-inference reads files in ML_MODEL_DIR only', () => {
  it.each([
    ['../../../package.json', 'model'],
    ['../../../../etc/passwd.onnx', 'model'],
    ['/etc/passwd.onnx', 'model'],
    ['sub/../../outside.onnx', 'model'],
    ['digits-logreg.json', 'model'],
    ['../../package.csv', 'items'],
    ['/etc/hosts.csv', 'items'],
  ])('refuses %s with ML_PATH_REFUSED', async (file, kind) => {
    const input = kind === 'model' ? { model: { file } } : { itemsFile: file };
    const error = await failure(input);
    expect(error).toMatchObject({ nodeId: 'preprocess', mlCode: 'ML_PATH_REFUSED', attempts: 1 });
  });

  it('ML_FILE_NOT_FOUND for a file that is not there', async () => {
    expect((await failure({ model: { file: 'missing.onnx' } })).mlCode).toBe('ML_FILE_NOT_FOUND');
    expect((await failure({ itemsFile: 'missing.csv' })).mlCode).toBe('ML_FILE_NOT_FOUND');
  });

  describe('in a folder of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-model-dir-'));
    const outside = mkdtempSync(join(tmpdir(), 'ml-outside-'));
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    });
    copyFileSync(join(DEFAULT_MODEL_DIR, 'digits-logreg.onnx'), join(dir, 'mine.onnx'));
    copyFileSync(join(DEFAULT_MODEL_DIR, 'digits-logreg.onnx'), join(outside, 'secret.onnx'));
    symlinkSync(join(outside, 'secret.onnx'), join(dir, 'link.onnx'));
    writeFileSync(join(dir, 'broken.onnx'), 'this is not a protobuf');
    const header = ['id', ...pixels(64).map((_, i) => `p${i}`), 'label'].join(',');
    writeFileSync(join(dir, 'items.csv'), `${header}\nx1,${pixels(64).join(',')},3\n`);
    writeFileSync(join(dir, 'bad.csv'), `${header}\nx1,${pixels(63).join(',')},oops,3\n`);
    const registry = createBuiltinRegistry({ exampleOptions: { mlModelDir: dir } });
    const runIn: typeof runExample = async (def, input = {}) => {
      const sink = createMemorySink();
      const result = await executeRun({
        runId: `ml-dir-${Math.random()}`,
        graph: compileGraphOrThrow(def, registry),
        input,
        sink,
      });
      return { ...result, events: sink.events, ran: () => 0, skipped: () => undefined };
    };

    it('runs a model of its own, tensor names read from the model and labels by column', async () => {
      const run = await runIn(mlInferenceGraph, {
        itemsFile: 'items.csv',
        model: { file: 'mine.onnx' },
      });
      expect(run.error).toBeUndefined();
      expect(run.state.model_spec).toMatchObject({
        file: 'mine.onnx',
        input: 'input',
        output: 'probabilities',
        labels: null,
        featureCount: 64,
      });
      expect(run.state.results).toEqual([
        expect.objectContaining({ id: 'x1', label: expect.stringMatching(/^\d$/), expected: '3' }),
      ]);
    });

    it("takes the model from the node config, the run input's fields winning", async () => {
      const graph = {
        ...mlInferenceGraph,
        nodes: mlInferenceGraph.nodes.map((n) =>
          n.id === 'preprocess'
            ? { ...n, config: { model: { file: 'mine.onnx', labels: LABELS } } }
            : n,
        ),
      };
      const run = await runIn(graph, { itemsFile: 'items.csv' });
      expect(run.state.model_spec).toMatchObject({ file: 'mine.onnx', labels: LABELS });
      const [result] = run.state.results as Array<{ label: string }>;
      expect(LABELS).toContain(result?.label);
      const input = await failure(
        { itemsFile: 'items.csv', model: { file: 'broken.onnx' } },
        (_, i) => runIn(graph, i),
      );
      expect(input.mlCode).toBe('ML_MODEL_INVALID');
    });

    it('does not see the default model', async () => {
      expect((await failure({ itemsFile: 'items.csv' }, runIn)).mlCode).toBe('ML_FILE_NOT_FOUND');
    });

    it('refuses a link that leaves the folder', async () => {
      const error = await failure({ itemsFile: 'items.csv', model: { file: 'link.onnx' } }, runIn);
      expect(error.mlCode).toBe('ML_PATH_REFUSED');
      expect(error.message).toContain('links to a file outside');
    });

    it('ML_MODEL_INVALID for a file onnxruntime cannot load, ML_BAD_CSV for a bad cell', async () => {
      const broken = await failure(
        { itemsFile: 'items.csv', model: { file: 'broken.onnx' } },
        runIn,
      );
      expect(broken.mlCode).toBe('ML_MODEL_INVALID');
      const csv = await failure({ itemsFile: 'bad.csv', model: { file: 'mine.onnx' } }, runIn);
      expect(csv).toMatchObject({ mlCode: 'ML_BAD_CSV', details: { line: 2, column: 'p63' } });
    });
  });
});
