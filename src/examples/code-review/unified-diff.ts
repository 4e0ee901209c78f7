import { CodeReviewError } from './errors.js';

/** A file of a unified diff: its path on the new side and the line ranges added there. */
export interface DiffFile {
  path: string;
  /** 1-based inclusive `[first, last]` ranges of added lines, in order. */
  added: Array<[number, number]>;
}

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** `b/src/a.ts` (git's prefix) or `src/a.ts\t2024-01-01 ...` (diff -u's timestamp) -> path. */
function newSidePath(header: string): string | undefined {
  let path = header.slice(4).split('\t')[0]!.trim();
  if (path.startsWith('"') && path.endsWith('"')) path = path.slice(1, -1);
  if (path === '/dev/null') return undefined;
  return path.startsWith('b/') ? path.slice(2) : path;
}

/**
 * The added lines of each file of a unified diff (`git diff`, `diff -u`). Deleted files are left
 * out: there is nothing to review on their new side. Only the hunk headers and the line markers
 * are read; the content of the diff is never trusted as the file (the file is read from disk).
 */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  const lines = text.split(/\r?\n/);
  let current: DiffFile | undefined;
  let line = 0;
  let remaining = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (remaining > 0) {
      if (l.startsWith('\\')) continue; // "\ No newline at end of file"
      const mark = l[0] ?? ' ';
      if (mark === '+') {
        const last = current?.added.at(-1);
        if (last && last[1] === line - 1) last[1] = line;
        else current?.added.push([line, line]);
        line++;
        remaining--;
      } else if (mark === ' ' || l === '') {
        line++;
        remaining--;
      } else if (mark !== '-') {
        throw new CodeReviewError(
          'CODE_REVIEW_BAD_DIFF',
          `line ${i + 1} of the diff is not part of its hunk: "${l.slice(0, 60)}"`,
        );
      }
      continue;
    }
    if (l.startsWith('+++ ')) {
      const path = newSidePath(l);
      current = path === undefined ? undefined : { path, added: [] };
      if (current) files.push(current);
    } else if (l.startsWith('@@')) {
      const m = HUNK.exec(l);
      if (!m)
        throw new CodeReviewError(
          'CODE_REVIEW_BAD_DIFF',
          `line ${i + 1} is not a hunk header (@@ -a,b +c,d @@): "${l.slice(0, 60)}"`,
        );
      line = Number(m[1]);
      remaining = m[2] === undefined ? 1 : Number(m[2]);
    }
  }
  if (files.length === 0 && !/^\+\+\+ \/dev\/null/m.test(text)) {
    throw new CodeReviewError(
      'CODE_REVIEW_BAD_DIFF',
      'the diff names no file: pass the output of `git diff` or `diff -u` (with its ---/+++ headers)',
    );
  }
  return files;
}

/** True when `line` is in one of the ranges. */
export function inRanges(ranges: ReadonlyArray<readonly [number, number]>, line: number): boolean {
  return ranges.some(([a, b]) => line >= a && line <= b);
}
