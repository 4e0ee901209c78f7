import type { InferenceSession } from 'onnxruntime-node';
import { MlError } from './ml-error.js';

type Ort = typeof import('onnxruntime-node');

let runtime: Promise<Ort> | undefined;
const sessions = new Map<string, Promise<InferenceSession>>();

/**
 * onnxruntime-node, imported on first use: its native library (tens of MB) is loaded by the
 * first ml-inference run, never at server start.
 */
export function loadRuntime(): Promise<Ort> {
  runtime ??= import('onnxruntime-node');
  return runtime;
}

/**
 * The InferenceSession of a model file, created once per file version (path, mtime, size) and
 * shared by every run; a file replaced on disk gets a new session. A load that fails is not
 * cached, so fixing the file fixes the next run.
 */
export function getSession(file: {
  path: string;
  mtimeMs: number;
  size: number;
}): Promise<InferenceSession> {
  const key = `${file.path}\0${file.mtimeMs}\0${file.size}`;
  let session = sessions.get(key);
  if (!session) {
    session = create(file.path).catch((err: unknown) => {
      sessions.delete(key);
      throw err;
    });
    sessions.set(key, session);
  }
  return session;
}

async function create(path: string): Promise<InferenceSession> {
  const ort = await loadRuntime();
  try {
    return await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new MlError('ML_MODEL_INVALID', `onnxruntime could not load the model: ${reason}`);
  }
}

/** How many sessions are cached (tests check that runs share one). */
export function cachedSessionCount(): number {
  return sessions.size;
}
