/**
 * Cycle checks. A cycle must have a conditional edge (else it can never be left) and a node with
 * maxIterations (else nothing bounds it). Both are decided exactly, per strongly connected
 * component of a subgraph, so each offending cycle family is reported once:
 * - UNCONDITIONAL_CYCLE: a cyclic SCC of the graph restricted to edges without `when`;
 * - UNBOUNDED_CYCLE: a cyclic SCC of the graph restricted to nodes without maxIterations.
 */
import type { GraphIssue } from '../errors.js';
import { cycleThrough, cyclicComponents } from './analysis.js';

export interface StructEdge {
  /** Position in def.edges. */
  readonly index: number;
  readonly from: number;
  readonly to: number;
  readonly conditional: boolean;
}

function describe(names: readonly string[], cycle: readonly StructEdge[]): string {
  const first = cycle[0];
  if (first === undefined) return '';
  return [first.from, ...cycle.map((e) => e.to)].map((n) => names[n] ?? `#${n}`).join(' -> ');
}

/** Issues for unguarded cycles; `names[i]` labels node i, `bounded` holds nodes with maxIterations. */
export function cycleIssues(
  names: readonly string[],
  edges: readonly StructEdge[],
  bounded: ReadonlySet<number>,
): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const size = names.length;

  const unconditional = edges.filter((e) => !e.conditional);
  for (const component of cyclicComponents(size, unconditional)) {
    const cycle = cycleThrough(component, unconditional).map((i) => unconditional[i]!);
    const text = describe(names, cycle);
    const where = cycle.map((e) => `edges[${e.index}]`).join(', ');
    issues.push({
      path: `edges[${cycle[0]?.index ?? 0}]`,
      code: 'UNCONDITIONAL_CYCLE',
      message: `The cycle ${text} has no condition and would never end; add "when" to one of its edges (${where})`,
    });
  }

  const unbounded = edges.filter((e) => !bounded.has(e.from) && !bounded.has(e.to));
  for (const component of cyclicComponents(size, unbounded)) {
    const cycle = cycleThrough(component, unbounded).map((i) => unbounded[i]!);
    const text = describe(names, cycle);
    issues.push({
      path: `nodes[${component[0]}]`,
      code: 'UNBOUNDED_CYCLE',
      message: `The cycle ${text} has no iteration bound; add maxIterations to a node of the cycle ${text}`,
    });
  }
  return issues;
}
