import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { loadAnalysis } from './load-analysis.js';

export interface ComplexityEntry {
  name: string;
  startLine: number;
  complexity: number;
}

export interface ComplexityIssue {
  name: string;
  line: number;
  complexity: number;
  threshold: number;
  message: string;
}

/**
 * Cyclomatic complexity of every function in `state.code`.
 * Patch: `{ complexity: ComplexityEntry[], max_complexity: number (0 without functions),
 * complexity_issues: ComplexityIssue[] }`; an issue is a function above `threshold`.
 */
export const checkComplexityTool = defineTool({
  name: 'check_complexity',
  description: 'Cyclomatic complexity of each function in state.code; flags those above threshold',
  config: z.strictObject({
    threshold: z.number().int().positive().max(1_000).default(10),
  }),
  async run({ state, config }) {
    const { cyclomaticComplexity, functionsOf, parseStateCode } = await loadAnalysis();
    const parsed = parseStateCode(state, 'check_complexity');
    const complexity: ComplexityEntry[] = functionsOf(parsed).map(({ node, info }) => ({
      name: info.name,
      startLine: info.startLine,
      complexity: cyclomaticComplexity(node),
    }));
    const complexityIssues: ComplexityIssue[] = complexity
      .filter((c) => c.complexity > config.threshold)
      .map((c) => ({
        name: c.name,
        line: c.startLine,
        complexity: c.complexity,
        threshold: config.threshold,
        message: `Function ${c.name} has cyclomatic complexity ${c.complexity} (threshold ${config.threshold}): split it or simplify its branching`,
      }));
    return {
      complexity,
      max_complexity: complexity.reduce((max, c) => Math.max(max, c.complexity), 0),
      complexity_issues: complexityIssues,
    };
  },
});
