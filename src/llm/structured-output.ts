/**
 * Structured output: the node's JSON Schema, compiled with ajv when the graph is saved, and the
 * model's answer parsed and validated against it. A bad answer is LLM_OUTPUT_INVALID, retried:
 * another sample of the model may well be right.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LlmError } from './llm-error.js';

const ajv = new Ajv({ allErrors: true, strict: false });

/** The compiled schema, or the reason ajv refused it. */
export function compileOutputSchema(
  schema: Record<string, unknown>,
): { ok: true; validate: ValidateFunction } | { ok: false; message: string } {
  try {
    return { ok: true, validate: ajv.compile(schema) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

const compiled = new WeakMap<object, ValidateFunction>();

function validatorOf(schema: Record<string, unknown>): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    const result = compileOutputSchema(schema);
    if (!result.ok)
      throw new LlmError(
        'LLM_OUTPUT_INVALID',
        `The output schema does not compile: ${result.message}`,
        false,
      );
    validate = result.validate;
    compiled.set(schema, validate);
  }
  return validate;
}

function describe(errors: ErrorObject[]): string[] {
  return errors.map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
}

/** A model's JSON answer, maybe in a Markdown code fence. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  let body = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(body);
  if (fenced) body = fenced[1] ?? '';
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** The answer as a value matching `schema`; throws LLM_OUTPUT_INVALID (retryable) otherwise. */
export function parseStructuredOutput(text: string, schema: Record<string, unknown>): unknown {
  const validate = validatorOf(schema);
  const parsed = parseJson(text);
  const preview = text.length > 200 ? `${text.slice(0, 200)}...` : text;
  if (!parsed.ok)
    throw new LlmError(
      'LLM_OUTPUT_INVALID',
      `The model's answer is not JSON (${parsed.message}); it was asked for JSON matching the node's schema. Answer: ${JSON.stringify(preview)}`,
      true,
      { errors: [parsed.message] },
    );
  if (!validate(parsed.value)) {
    const errors = describe(validate.errors ?? []);
    throw new LlmError(
      'LLM_OUTPUT_INVALID',
      `The model's answer does not match the node's schema: ${errors.join('; ')}`,
      true,
      { errors },
    );
  }
  return parsed.value;
}
