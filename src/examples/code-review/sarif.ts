import type { Finding } from './finding.js';

/** A comment of the model reviewer. */
export interface ModelComment {
  path: string;
  line: number;
  severity: 'error' | 'warning' | 'note';
  body: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string };
      region: { startLine: number; startColumn?: number; endLine?: number; endColumn?: number };
    };
  }>;
}

const uri = (path: string) => path.split('/').map(encodeURIComponent).join('/');

const ruleHelp = (rule: string): string | undefined => {
  if (rule.startsWith('@typescript-eslint/'))
    return `https://typescript-eslint.io/rules/${rule.slice('@typescript-eslint/'.length)}`;
  if (/^[a-z-]+$/.test(rule) && rule !== 'parse-error')
    return `https://eslint.org/docs/latest/rules/${rule}`;
  return undefined;
};

/**
 * SARIF 2.1.0, what code-scanning UIs (GitHub, GitLab, VS Code's SARIF viewer) read: one run for
 * ESLint with its rules and a result per finding, and one for the model reviewer when it commented.
 * URIs are relative to the review's root (`originalUriBaseIds.SRCROOT`).
 */
export function toSarif(
  findings: readonly Finding[],
  comments: readonly ModelComment[],
  eslintVersion: string,
) {
  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const location = (
    path: string,
    region: SarifResult['locations'][number]['physicalLocation']['region'],
  ) => [
    { physicalLocation: { artifactLocation: { uri: uri(path), uriBaseId: 'SRCROOT' }, region } },
  ];
  const eslintRun = {
    tool: {
      driver: {
        name: 'ESLint',
        version: eslintVersion,
        informationUri: 'https://eslint.org',
        rules: ruleIds.map((id) => {
          const help = ruleHelp(id);
          return { id, ...(help ? { helpUri: help } : {}) };
        }),
      },
    },
    originalUriBaseIds: { SRCROOT: { uri: './' } },
    results: findings.map(
      (f): SarifResult => ({
        ruleId: f.rule,
        ruleIndex: index.get(f.rule) ?? 0,
        level: f.severity,
        message: { text: f.message },
        locations: location(f.path, {
          startLine: f.line,
          startColumn: f.column,
          ...(f.endLine !== undefined ? { endLine: f.endLine } : {}),
          ...(f.endColumn !== undefined ? { endColumn: f.endColumn } : {}),
        }),
      }),
    ),
  };
  const runs: unknown[] = [eslintRun];
  if (comments.length > 0) {
    runs.push({
      tool: { driver: { name: 'model-reviewer', rules: [{ id: 'model-review' }] } },
      originalUriBaseIds: { SRCROOT: { uri: './' } },
      results: comments.map(
        (c): SarifResult => ({
          ruleId: 'model-review',
          ruleIndex: 0,
          level: c.severity,
          message: { text: c.body },
          locations: location(c.path, { startLine: Math.max(1, c.line) }),
        }),
      ),
    });
  }
  return { version: '2.1.0', $schema: SARIF_SCHEMA, runs };
}
