/**
 * A worker's JSON Schema (config or input) as the engine's schema port. Workers are API
 * clients, so their schemas are interpreted by @cfworker/json-schema, which compiles nothing:
 * no generated code (ajv's compile is `new Function`) is built from what a client sent.
 */
import { Validator } from '@cfworker/json-schema';
import type { ConfigSchema } from '../engine/index.js';

export function workerSchemaPort(schema: Record<string, unknown>): ConfigSchema<unknown> {
  const validator = new Validator(schema as never, '2020-12', false);
  return {
    safeParse(value: unknown) {
      const result = validator.validate(value);
      if (result.valid) return { success: true, data: value };
      // Leaf errors only (the "properties" / "allOf" wrappers repeat them).
      const leaves = result.errors.filter(
        (e) => !/^(properties|items|allOf|\$ref)$/.test(e.keyword),
      );
      const issues = (leaves.length > 0 ? leaves : result.errors).map((e) => {
        const path = e.instanceLocation
          .replace(/^#\/?/, '')
          .split('/')
          .filter((s) => s !== '');
        return { path, message: `${path.length > 0 ? `${path.join('.')}: ` : ''}${e.error}` };
      });
      return { success: false, error: { issues } };
    },
  };
}
