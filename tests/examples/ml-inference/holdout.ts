import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  DEFAULT_MODEL_DIR,
  defaultModelMetadata,
  type MlResult,
  type MlSummary,
} from '../../../src/examples/ml-inference/index.js';

/** What train.py wrote: the metadata, the true labels and scikit-learn's predictions, by id. */
export function loadHoldout() {
  const meta = defaultModelMetadata();
  const read = (file: string) =>
    parse(readFileSync(join(DEFAULT_MODEL_DIR, file), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;
  const truth = new Map(read(meta.holdout).map((r) => [r.id as string, r.label as string]));
  const sklearn = new Map(
    read(meta.sklearnPredictions).map((r) => [
      r.id as string,
      { label: r.prediction as string, probability: Number(r.probability) },
    ]),
  );
  return { meta, truth, sklearn };
}

/** Accuracy of a run's results against the held-out CSV's labels (not the run's own summary). */
export function accuracyOf(results: readonly MlResult[], truth: ReadonlyMap<string, string>) {
  const correct = results.filter((r) => truth.get(String(r.id)) === r.label).length;
  return correct / results.length;
}

export type { MlResult, MlSummary };
