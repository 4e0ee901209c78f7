import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CodeReviewError } from './errors.js';

/** What ESLint reviews here: JavaScript and TypeScript, with JSX. */
export const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
]);
/** Folders a directory review never enters: dependencies, build output, VCS data. */
const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'coverage',
  'out',
  '.next',
  '.turbo',
]);

export interface SourceLimits {
  maxFiles: number;
  maxFileBytes: number;
}

/** A file of the review as the state holds it (its text is read again from disk when needed). */
export interface ReviewFile {
  /** Relative to the allowed root, with `/` separators (or the inline filename). */
  path: string;
  sha256: string;
  lines: number;
  /** For a diff: the added line ranges; only findings on them are reported (and fixed). */
  changed?: Array<[number, number]>;
  /** Inline code from the run input: its text is in `state.edited`, never on disk. */
  inline?: boolean;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
export const lineCount = (text: string): number => text.split(/\r\n|\r|\n/).length;

const toPosix = (p: string) => p.split(sep).join('/');

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The allowed root, resolved once (symlinks included) so every check compares real paths. */
export async function realRoot(root: string): Promise<string> {
  try {
    return await realpath(resolve(root));
  } catch {
    throw new CodeReviewError(
      'CODE_REVIEW_NOT_FOUND',
      'the allowed root does not exist: set CODE_REVIEW_ROOT to a directory',
    );
  }
}

/**
 * `path` (relative to the root, or absolute inside it) as a real path inside the root. Refused
 * before the file system is touched when the text leaves the root, and again after symlinks are
 * resolved, so neither `../x` nor a link pointing out reads anything outside. Messages never
 * name the root: it is the server's business, not the client's.
 */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  if (path.includes('\0') || path.trim() === '') {
    throw new CodeReviewError('CODE_REVIEW_BAD_INPUT', 'the path is empty or holds a NUL byte');
  }
  const outside = () =>
    new CodeReviewError(
      'CODE_REVIEW_PATH_OUTSIDE_ROOT',
      `${path} is outside the allowed root: pass a path relative to it, or start the server with CODE_REVIEW_ROOT set to a directory that holds it`,
    );
  const target = resolve(root, path);
  if (!inside(root, target)) throw outside();
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    throw new CodeReviewError(
      'CODE_REVIEW_NOT_FOUND',
      `${path} does not exist under the allowed root`,
    );
  }
  if (!inside(root, real)) throw outside();
  return real;
}

/** The root-relative name of a real path inside the root. */
export const relativeName = (root: string, real: string): string => toPosix(relative(root, real));

/** Every source file under a directory, sorted, without following symlinks. */
export async function listSources(
  dir: string,
  name: string,
  limits: SourceLimits,
): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(at, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(full);
      } else if (
        entry.isFile() &&
        SOURCE_EXTENSIONS.has(extname(entry.name).toLowerCase()) &&
        !entry.name.endsWith('.d.ts')
      ) {
        found.push(full);
        if (found.length > limits.maxFiles) {
          throw new CodeReviewError(
            'CODE_REVIEW_TOO_LARGE',
            `${name} holds more than ${limits.maxFiles} source files: review a subdirectory or a diff, or raise maxFiles`,
          );
        }
      }
    }
  };
  await walk(dir);
  return found;
}

/** Reads one source file (a real path inside the root), refusing non-sources and large files. */
export async function readSource(
  real: string,
  name: string,
  limits: SourceLimits,
): Promise<string> {
  if (!SOURCE_EXTENSIONS.has(extname(real).toLowerCase())) {
    throw new CodeReviewError(
      'CODE_REVIEW_NOT_SOURCE',
      `${name} is not a JavaScript or TypeScript file (${[...SOURCE_EXTENSIONS].join(', ')})`,
    );
  }
  const info = await stat(real);
  if (info.size > limits.maxFileBytes) {
    throw new CodeReviewError(
      'CODE_REVIEW_TOO_LARGE',
      `${name} is ${info.size} bytes, over maxFileBytes (${limits.maxFileBytes})`,
    );
  }
  return readFile(real, 'utf8');
}

/**
 * The text a review sees: the edited version (inline code, or a fixed file) when there is one,
 * else the file on disk, which must still be the one loaded.
 */
export async function currentText(
  root: string,
  file: ReviewFile,
  edited: Readonly<Record<string, unknown>>,
  limits: SourceLimits,
): Promise<string> {
  const text = edited[file.path];
  if (typeof text === 'string') return text;
  const real = await resolveInRoot(root, file.path);
  const disk = await readSource(real, file.path, limits);
  if (sha256(disk) !== file.sha256) {
    throw new CodeReviewError(
      'CODE_REVIEW_FILE_CHANGED',
      `${file.path} changed on disk during the review: start a new run`,
    );
  }
  return disk;
}

/** For files already loaded (their hash is checked): no size limits a second time. */
export const NO_LIMITS: SourceLimits = {
  maxFiles: Number.MAX_SAFE_INTEGER,
  maxFileBytes: Number.MAX_SAFE_INTEGER,
};
