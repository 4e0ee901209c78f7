/** A tool's `input`: the node's evaluated `inputs`, parsed by the tool's optional schema. */
import { EngineError } from '../errors.js';
import type { CompiledNode } from '../graph/compiled.js';

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
