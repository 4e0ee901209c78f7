import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { z } from 'zod';
import type { State } from '../../engine/graph.js';
import { defineTool } from '../../tools/define-tool.js';
import { CodeReviewError } from './errors.js';
import { type CodeReviewOptions, DEFAULT_LIMITS } from './options.js';
import { SAMPLE_CODE, SAMPLE_FILENAME } from './sample-code.js';
import {
  lineCount,
  listSources,
  type ReviewFile,
  readSource,
  realRoot,
  relativeName,
  resolveInRoot,
  SOURCE_EXTENSIONS,
  type SourceLimits,
  sha256,
} from './sources.js';
import { parseUnifiedDiff } from './unified-diff.js';

export type InputKind = 'file' | 'directory' | 'diff' | 'code';

interface Loaded {
  kind: InputKind;
  files: ReviewFile[];
  edited: Record<string, string>;
}

function pick(
  state: Readonly<State>,
): { key: 'path' | 'diff' | 'code'; value: string } | undefined {
  const given = (['path', 'diff', 'code'] as const).filter(
    (k) => state[k] !== undefined && state[k] !== null,
  );
  if (given.length > 1) {
    throw new CodeReviewError(
      'CODE_REVIEW_BAD_INPUT',
      `give one of path, diff or code, not ${given.join(' and ')}`,
    );
  }
  const key = given[0];
  if (key === undefined) return undefined;
  const value = state[key];
  if (typeof value !== 'string') {
    throw new CodeReviewError(
      'CODE_REVIEW_BAD_INPUT',
      `state.${key} must be a string, got ${Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  return { key, value };
}

async function loadFile(root: string, real: string, limits: SourceLimits): Promise<ReviewFile> {
  const name = relativeName(root, real);
  const text = await readSource(real, name, limits);
  return { path: name, sha256: sha256(text), lines: lineCount(text) };
}

async function load(
  state: Readonly<State>,
  rootDir: string,
  limits: SourceLimits,
): Promise<Loaded> {
  const input = pick(state);
  if (!input || input.key === 'code') {
    const code = input?.value ?? SAMPLE_CODE;
    const filename =
      typeof state.filename === 'string' ? state.filename : input ? 'input.ts' : SAMPLE_FILENAME;
    if (!SOURCE_EXTENSIONS.has(extname(filename).toLowerCase())) {
      throw new CodeReviewError(
        'CODE_REVIEW_NOT_SOURCE',
        `state.filename ${filename} is not a JavaScript or TypeScript name: end it with .ts, .tsx, .js...`,
      );
    }
    const file: ReviewFile = {
      path: filename,
      sha256: sha256(code),
      lines: lineCount(code),
      inline: true,
    };
    return { kind: 'code', files: [file], edited: { [filename]: code } };
  }
  const root = await realRoot(rootDir);
  if (input.key === 'diff') {
    const files: ReviewFile[] = [];
    for (const entry of parseUnifiedDiff(input.value)) {
      if (entry.added.length === 0) continue; // only deletions: nothing new to review
      const real = await resolveInRoot(root, entry.path);
      files.push({ ...(await loadFile(root, real, limits)), changed: entry.added });
    }
    return { kind: 'diff', files, edited: {} };
  }
  const real = await resolveInRoot(root, input.value);
  if ((await stat(real)).isDirectory()) {
    const files: ReviewFile[] = [];
    for (const file of await listSources(real, relativeName(root, real) || '.', limits))
      files.push(await loadFile(root, file, limits));
    return { kind: 'directory', files, edited: {} };
  }
  return { kind: 'file', files: [await loadFile(root, real, limits)], edited: {} };
}

/**
 * Reads what to review: `state.path` (a file or a directory under the allowed root),
 * `state.diff` (a unified diff; its files are read from the root, only added lines count) or
 * `state.code` (inline, named by `state.filename`); none of them: the sample module.
 * Patch: `{ input_kind, files, edited, to_review }`. File texts stay on disk (the state holds
 * their hash), so a directory review does not carry megabytes of source in the run's log.
 */
export function createLoadSourcesTool(options: CodeReviewOptions) {
  return defineTool({
    name: 'load_sources',
    description:
      'Loads the code to review: state.path (file or directory under the allowed root), state.diff (unified diff) or state.code',
    config: z.strictObject({
      maxFiles: z.number().int().min(1).max(10_000).default(DEFAULT_LIMITS.maxFiles),
      maxFileBytes: z.number().int().min(1).max(10_000_000).default(DEFAULT_LIMITS.maxFileBytes),
    }),
    async run({ state, config, log }) {
      const loaded = await load(state, options.root ?? process.cwd(), config);
      log(`load_sources: ${loaded.files.length} file(s) from ${loaded.kind}`, {
        files: loaded.files.length,
      });
      return {
        input_kind: loaded.kind,
        files: loaded.files,
        edited: loaded.edited,
        to_review: loaded.files.map((f) => f.path),
      };
    },
  });
}
