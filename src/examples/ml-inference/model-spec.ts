import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { z } from 'zod';
import { isRecord } from '../../tools/input.js';
import { MlError } from './ml-error.js';
import { DEFAULT_MODEL_DIR, resolveAllowedFile } from './model-files.js';
import { getSession } from './session-cache.js';

/** What a run input (`state.model`) or a node config (`model`) may say about the model. */
export const modelSpecSchema = z.strictObject({
  /** An .onnx file inside ML_MODEL_DIR, relative to it. */
  file: z.string().min(1).max(255).optional(),
  /** The input tensor (float32 [N, F]); default: the model's only input. */
  input: z.string().min(1).max(255).optional(),
  /** The output tensor ([N, classes]); default: the model's first output. */
  output: z.string().min(1).max(255).optional(),
  /** One label per output column; default: the column indices "0", "1"... */
  labels: z.array(z.string().min(1).max(200)).min(1).max(10_000).optional(),
  /** `logits`: the output is turned into probabilities by a softmax in post-processing. */
  scores: z.enum(['probabilities', 'logits']).optional(),
});
export type ModelSpecInput = z.output<typeof modelSpecSchema>;

/** The model a run uses, resolved and checked against the file (state.model_spec). */
export interface ModelSpec {
  file: string;
  input: string;
  output: string;
  labels: string[] | null;
  scores: 'probabilities' | 'logits';
  /** The input's last dimension: how many features each item has. */
  featureCount: number;
}

/** The committed model's metadata (examples/ml-inference/digits-logreg.json, by train.py). */
export interface DefaultModelMetadata {
  model: string;
  input: string;
  output: string;
  labels: string[];
  featureCount: number;
  holdout: string;
  holdoutSize: number;
  sklearnPredictions: string;
  sklearnAccuracy: number;
}

let metadata: DefaultModelMetadata | undefined;

/** Read on first use (never at import, so the server's start reads no model file). */
export function defaultModelMetadata(): DefaultModelMetadata {
  metadata ??= JSON.parse(
    readFileSync(join(DEFAULT_MODEL_DIR, 'digits-logreg.json'), 'utf8'),
  ) as DefaultModelMetadata;
  return metadata;
}

/** Parses the run input's `model`; ML_BAD_MODEL_SPEC says which field is wrong. */
export function parseModelSpec(value: unknown): ModelSpecInput {
  if (value === undefined || value === null) return {};
  const parsed = modelSpecSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `model.${i.path.join('.')}: ${i.message}`);
  throw new MlError('ML_BAD_MODEL_SPEC', problems.join('; '), { problems });
}

/** The session of the spec's file, loaded lazily and cached per file (session-cache.ts). */
export function sessionFor(modelDir: string, file: string): Promise<InferenceSession> {
  return getSession(resolveAllowedFile(modelDir, file, ['.onnx'], 'Model file'));
}

/**
 * The spec a run uses: the run input's fields over the node config's, the committed model's
 * metadata for what neither says when the file is the committed one, the model's own tensor
 * names otherwise. Loads the model (lazily) to check the names and read the feature count.
 */
export async function resolveModelSpec(
  modelDir: string,
  fromConfig: ModelSpecInput,
  fromState: ModelSpecInput,
): Promise<ModelSpec> {
  const given = { ...fromConfig, ...fromState };
  const meta = defaultModelMetadata();
  const file = given.file ?? meta.model;
  const defaults: ModelSpecInput =
    file === meta.model ? { input: meta.input, output: meta.output, labels: meta.labels } : {};
  const session = await sessionFor(modelDir, file);
  const input = given.input ?? defaults.input ?? onlyName(session.inputNames, 'input');
  const output = given.output ?? defaults.output ?? session.outputNames[0];
  const labels = given.labels ?? defaults.labels ?? null;
  if (!session.inputNames.includes(input)) throw tensorNotFound('input', input, session.inputNames);
  if (output === undefined || !session.outputNames.includes(output))
    throw tensorNotFound('output', String(output), session.outputNames);
  const inputMeta = tensorMeta(session.inputMetadata, input);
  if (inputMeta.type !== 'float32' || inputMeta.shape.length !== 2)
    throw new MlError(
      'ML_MODEL_INVALID',
      `input "${input}" is ${inputMeta.type} ${JSON.stringify(inputMeta.shape)}; this example feeds float32 [N, features]`,
    );
  const featureCount = inputMeta.shape[1];
  if (typeof featureCount !== 'number' || featureCount < 1)
    throw new MlError(
      'ML_MODEL_INVALID',
      `input "${input}" has no fixed feature count (shape ${JSON.stringify(inputMeta.shape)})`,
    );
  const classes = tensorMeta(session.outputMetadata, output).shape.at(-1);
  if (labels && typeof classes === 'number' && classes !== labels.length)
    throw labelsMismatch(labels.length, classes);
  return { file, input, output, labels, scores: given.scores ?? 'probabilities', featureCount };
}

export function labelsMismatch(labels: number, classes: number): MlError {
  return new MlError(
    'ML_LABELS_MISMATCH',
    `${labels} labels were given but the model gives ${classes} scores per item; give one label per output column`,
    { labels, classes },
  );
}

function onlyName(names: readonly string[], kind: string): string {
  if (names.length === 1 && names[0] !== undefined) return names[0];
  throw new MlError(
    'ML_BAD_MODEL_SPEC',
    `the model has ${names.length} ${kind}s (${names.join(', ')}); name the one to use in model.${kind}`,
  );
}

function tensorNotFound(kind: string, name: string, names: readonly string[]): MlError {
  return new MlError(
    'ML_TENSOR_NOT_FOUND',
    `the model has no ${kind} tensor "${name}"; its ${kind}s are ${names.join(', ') || 'none'}`,
    { [kind]: name, available: [...names] },
  );
}

function tensorMeta(
  list: readonly InferenceSession.ValueMetadata[],
  name: string,
): { type: string; shape: ReadonlyArray<number | string> } {
  const found = list.find((m) => m.name === name);
  if (!found?.isTensor)
    throw new MlError('ML_MODEL_INVALID', `"${name}" is not a tensor of the model`);
  return { type: found.type, shape: found.shape };
}

/** Reads `state.model_spec` as preprocess wrote it. */
export function requireModelSpec(
  state: Readonly<Record<string, unknown>>,
  tool: string,
): ModelSpec {
  const spec = state.model_spec;
  if (!isRecord(spec) || typeof spec.file !== 'string' || typeof spec.featureCount !== 'number')
    throw new MlError(
      'ML_STATE_MISSING',
      `${tool} needs state.model_spec: run the preprocess node (ml_preprocess) first`,
    );
  return spec as unknown as ModelSpec;
}
