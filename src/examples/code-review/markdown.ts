import type { Finding, FunctionMetric } from './finding.js';
import type { AppliedFix } from './fix-files.tool.js';
import type { ModelComment } from './sarif.js';

export interface ReportInput {
  kind: string;
  files: ReadonlyArray<{ path: string; lines: number }>;
  findings: readonly Finding[];
  functions: Readonly<Record<string, readonly FunctionMetric[]>>;
  fixes: readonly AppliedFix[];
  refused: ReadonlyArray<{ path: string; rules: string[] }>;
  comments: readonly ModelComment[];
  reviews: Readonly<Record<string, unknown>>;
  score: number;
  threshold: number;
  /** Findings listed at most (the SARIF report has them all). */
  maxListed: number;
}

/** `|` and line breaks would break a table cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The review as Markdown: summary, findings by file, complex functions, fixes, model comments. */
export function toMarkdown(r: ReportInput): string {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.length - errors;
  const out: string[] = [
    '# Code review',
    '',
    `**Score ${r.score}/100**: ${r.files.length} file(s) (${r.kind}), ${errors} error(s), ${warnings} warning(s), ${r.fixes.reduce((n, f) => n + f.count, 0)} autofix(es) applied.`,
    '',
  ];
  if (r.findings.length > 0) {
    out.push(
      '## Findings',
      '',
      '| File | Line | Rule | Severity | Message |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const f of r.findings.slice(0, r.maxListed)) {
      out.push(
        `| ${cell(f.path)} | ${f.line}:${f.column} | \`${f.rule}\` | ${f.severity} | ${cell(f.message)} |`,
      );
    }
    if (r.findings.length > r.maxListed)
      out.push('', `… and ${r.findings.length - r.maxListed} more (all are in the SARIF report).`);
    out.push('');
  }
  const complex = Object.entries(r.functions)
    .flatMap(([path, list]) => list.map((fn) => ({ path, ...fn })))
    .filter((fn) => fn.complexity > r.threshold)
    .sort((a, b) => b.complexity - a.complexity);
  if (complex.length > 0) {
    out.push(
      `## Functions above complexity ${r.threshold}`,
      '',
      '| File | Line | Function | Complexity |',
      '| --- | --- | --- | --- |',
    );
    for (const fn of complex)
      out.push(`| ${cell(fn.path)} | ${fn.line} | ${cell(fn.name)} | ${fn.complexity} |`);
    out.push('');
  }
  if (r.fixes.length > 0 || r.refused.length > 0) {
    out.push('## Autofixes (ESLint)', '');
    for (const f of r.fixes) out.push(`- ${f.path}: \`${f.rule}\` × ${f.count}`);
    for (const f of r.refused)
      out.push(
        `- ${f.path}: not applied, they would remove a statement: ${f.rules.map((x) => `\`${x}\``).join(', ')}`,
      );
    out.push('', 'The fixed text is in `state.edited`; files on disk are not written.', '');
  }
  if (r.comments.length > 0) {
    out.push('## Model reviewer', '');
    for (const c of r.comments)
      out.push(`- ${c.path}:${c.line} (${c.severity}): ${c.body.replace(/\r?\n/g, ' ')}`);
    out.push('');
  }
  const reviewed = Object.entries(r.reviews).map(([p, n]) => `${p} ×${n}`);
  out.push(`Reviews per file: ${reviewed.join(', ') || 'none'}.`, '');
  return out.join('\n');
}
