import { realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlError } from './ml-error.js';

/**
 * Where the committed model, its metadata and held-out split live (the repository's
 * examples/ml-inference/, the same from src/ and from dist/). ML_MODEL_DIR replaces it.
 */
export const DEFAULT_MODEL_DIR = fileURLToPath(
  new URL('../../../examples/ml-inference/', import.meta.url),
);

/**
 * The real path of `file` inside `dir`, or ML_PATH_REFUSED / ML_FILE_NOT_FOUND. Only a relative
 * name with one of `extensions` is accepted, and it must stay inside `dir` once `..` and
 * symbolic links are resolved, so a run can read no other file of the server.
 */
export function resolveAllowedFile(
  dir: string,
  file: string,
  extensions: readonly string[],
  what: string,
): { path: string; mtimeMs: number; size: number } {
  const refuse = (why: string) =>
    new MlError(
      'ML_PATH_REFUSED',
      `${what} "${file}" is refused: ${why}; name a file inside ML_MODEL_DIR, relative to it`,
      { file },
    );
  if (file.includes('\0')) throw refuse('it contains a NUL character');
  if (isAbsolute(file)) throw refuse('absolute paths are not accepted');
  if (!extensions.includes(extname(file).toLowerCase()))
    throw refuse(`only ${extensions.join(', ')} files are read`);
  const root = realDir(dir);
  const lexical = resolve(root, file);
  if (!inside(root, lexical)) throw refuse('it leaves the model directory');
  let path: string;
  try {
    path = realpathSync(lexical);
  } catch {
    throw new MlError('ML_FILE_NOT_FOUND', `${what} "${file}" does not exist in ML_MODEL_DIR`, {
      file,
    });
  }
  if (!inside(root, path)) throw refuse('it links to a file outside the model directory');
  const stat = statSync(path);
  if (!stat.isFile()) throw refuse('it is not a file');
  return { path, mtimeMs: stat.mtimeMs, size: stat.size };
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    throw new MlError('ML_FILE_NOT_FOUND', `ML_MODEL_DIR "${dir}" does not exist`);
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
