import { describe, expect, it } from 'vitest';
import { at, FIXTURES, review } from './review.js';

interface SarifLog {
  version: string;
  $schema: string;
  runs: Array<{
    tool: {
      driver: { name: string; version?: string; rules: Array<{ id: string; helpUri?: string }> };
    };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Array<{
        physicalLocation: {
          artifactLocation: { uri: string };
          region: { startLine: number; startColumn: number };
        };
      }>;
    }>;
  }>;
}

const PARSER = `${FIXTURES}/pg-protocol-parser.ts`;

describe('code-review report', () => {
  it('is SARIF 2.1.0 with the ESLint run, its rules and one result per finding', async () => {
    const r = await review({ path: PARSER });
    const sarif = r.state.sarif as SarifLog;
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0]!;
    expect(run.tool.driver.name).toBe('ESLint');
    expect(run.tool.driver.version).toMatch(/^10\./);
    expect(run.tool.driver.rules).toEqual([
      {
        id: '@typescript-eslint/no-explicit-any',
        helpUri: 'https://typescript-eslint.io/rules/no-explicit-any',
      },
      { id: 'complexity', helpUri: 'https://eslint.org/docs/latest/rules/complexity' },
    ]);
    expect(run.results).toHaveLength(4);
    const first = run.results[0]!;
    expect(first).toMatchObject({
      ruleId: 'complexity',
      ruleIndex: 1,
      level: 'warning',
      message: { text: "Method 'handlePacket' has a complexity of 23. Maximum allowed is 10." },
    });
    expect(first.locations[0]!.physicalLocation.artifactLocation.uri).toBe(PARSER);
    expect(first.locations[0]!.physicalLocation.region).toMatchObject({
      startLine: 157,
      startColumn: 3,
    });
    // Every result points at its rule in the driver's list.
    for (const res of run.results)
      expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
    expect(run.results.map((x) => x.level)).toEqual(['warning', 'error', 'warning', 'error']);
  });

  it('is Markdown with the score, a findings table and the complex functions', async () => {
    const r = await review({ path: PARSER });
    const md = r.state.report_markdown as string;
    expect(md).toMatch(
      /^# Code review\n\n\*\*Score 93\/100\*\*: 1 file\(s\) \(file\), 2 error\(s\), 2 warning\(s\)/,
    );
    expect(md).toContain(
      `| ${PARSER} | 311:17 | \`@typescript-eslint/no-explicit-any\` | error | Unexpected any. Specify a different type. |`,
    );
    expect(md).toContain('## Functions above complexity 10');
    expect(md).toContain(`| ${PARSER} | 332 | Arrow function | 11 |`);
    expect(md).toContain(`Reviews per file: ${PARSER} ×1.`);
    expect(r.state.summary).toEqual({ files: 1, errors: 2, warnings: 2, fixes: 0 });
  });

  it('lints JavaScript with @eslint/js recommended, without flagging the globals of its runtime', async () => {
    const code =
      'export function f(x) {\n  if (!!x) console.log(process.argv, window);\n  debugger;\n}\n';
    const r = await review({ code, filename: '../bin/tool.js' });
    // After the fix pass and its review: the cast was fixed, the debugger statement remains.
    expect(at(r.findings('../bin/tool.js'))).toEqual(['no-debugger@3']);
    expect(r.state.reviews).toEqual({ '../bin/tool.js': 2 });
    expect(r.state.fixes).toEqual([
      { path: '../bin/tool.js', rule: 'no-extra-boolean-cast', count: 1 },
    ]);
    // no-debugger has a suggestion only: the statement stays.
    expect((r.state.edited as Record<string, string>)['../bin/tool.js']).toContain('  debugger;\n');
  });

  it('parses JSX in .tsx files', async () => {
    const code = 'export const App = ({ name }: { name: string }) => <p title={name}>hi</p>;\n';
    const r = await review({ code, filename: 'app.tsx' });
    expect(r.findings('app.tsx')).toEqual([]);
  });

  it('reports a file ESLint cannot parse as one parse-error finding', async () => {
    const r = await review({ code: 'export const = ;\n', filename: 'broken.ts' });
    expect(r.status, JSON.stringify(r.error)).toBe('SUCCEEDED');
    expect(at(r.findings('broken.ts'))).toEqual(['parse-error@1']);
    expect(r.findings('broken.ts')[0]!.severity).toBe('error');
    expect((r.state.sarif as SarifLog).runs[0]!.results[0]!.ruleId).toBe('parse-error');
  });
});
