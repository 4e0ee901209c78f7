/** An MCP tool's `inputSchema` (JSON Schema) as the engine's schema port, validated with ajv. */
import { Ajv, type ValidateFunction } from 'ajv';
import type { ConfigSchema } from '../../engine/tool.js';

const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });

export function jsonSchemaPort(schema: Record<string, unknown>): ConfigSchema<unknown> {
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch {
    // A schema ajv cannot compile (unknown draft, broken $ref): accept any object, the server checks.
    validate = ajv.compile({ type: 'object' });
  }
  return {
    safeParse(value: unknown) {
      if (validate(value)) return { success: true, data: value };
      const issues = (validate.errors ?? []).map((e) => ({
        path: e.instancePath.split('/').filter((s) => s !== ''),
        message: `${e.instancePath === '' ? '' : `${e.instancePath.slice(1).replaceAll('/', '.')} `}${e.message ?? 'is invalid'}`,
      }));
      return { success: false, error: { issues } };
    },
  };
}
