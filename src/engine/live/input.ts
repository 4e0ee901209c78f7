/**
 * A tool's `input`: the node's evaluated `inputs`, parsed by the tool's optional schema; and
 * where a tool call is (for a replayed run's port).
 */
import { EngineError } from '../errors.js';
import type { Execution } from '../fold/execution.js';
import type { CompiledNode } from '../graph/compiled.js';
import type { ToolCallSite } from '../tool.js';

/** Parses `input` with the tool's `input` schema (when it has one); INVALID_INPUT otherwise. */
export function parseToolInput(
  node: CompiledNode,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const schema = node.tool.input;
  if (schema === undefined) return input;
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const list = parsed.error.issues
    .map(
      (i) => `${i.path.length > 0 ? `inputs.${i.path.map(String).join('.')}: ` : ''}${i.message}`,
    )
    .join('; ');
  throw new EngineError(
    'INVALID_INPUT',
    `Input of node "${node.id}" does not fit tool "${node.tool.name}": ${list}`,
    node.id,
    { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
  );
}

/** Where a tool call is, for a replayed run's port. */
export function siteOf(exec: Execution, index?: number): ToolCallSite {
  const node = exec.node;
  const site = { nodeId: node.id, tool: node.tool.name, iteration: exec.iteration };
  return {
    ...site,
    output: node.def.output,
    ...(index === undefined ? {} : { index }),
  };
}
