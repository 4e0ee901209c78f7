import { useId } from 'react';

/** The part of JSON Schema the form understands; anything else is edited as JSON. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
}

type Value = Record<string, unknown>;

const typeOf = (s: JsonSchema): string =>
  Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'string') : (s.type ?? 'json');

/** Initial values: each property's default. */
export function defaultsOf(schema: JsonSchema): Value {
  const out: Value = {};
  for (const [k, p] of Object.entries(schema.properties ?? {}))
    if (p.default !== undefined) out[k] = p.default;
  return out;
}

/** Whether a schema is an object with properties, i.e. one the form can draw. */
export const isFormSchema = (s: unknown): s is JsonSchema =>
  typeof s === 'object' && s !== null && typeof (s as JsonSchema).properties === 'object';

/**
 * A form generated from a JSON Schema object: one field per property (text, number, checkbox,
 * select for enums, JSON for the rest), required ones marked.
 */
export function SchemaForm({
  schema,
  value,
  onChange,
  testId,
}: {
  schema: JsonSchema;
  value: Value;
  onChange: (v: Value) => void;
  testId?: string;
}) {
  const base = useId();
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return <p className="muted">No fields.</p>;
  const set = (k: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined) delete next[k];
    else next[k] = v;
    onChange(next);
  };
  return (
    <div className="schema-form" data-testid={testId}>
      {props.map(([key, p]) => {
        const id = `${base}-${key}`;
        const type = typeOf(p);
        const required = schema.required?.includes(key);
        const current = value[key];
        let input: React.ReactNode;
        if (p.enum)
          input = (
            <select
              id={id}
              value={JSON.stringify(current ?? '')}
              onChange={(e) =>
                set(key, e.target.value === '""' ? undefined : JSON.parse(e.target.value))
              }
            >
              <option value={'""'}>—</option>
              {p.enum.map((o) => (
                <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
                  {String(o)}
                </option>
              ))}
            </select>
          );
        else if (type === 'boolean')
          input = (
            <input
              id={id}
              type="checkbox"
              checked={current === true}
              onChange={(e) => set(key, e.target.checked)}
            />
          );
        else if (type === 'number' || type === 'integer')
          input = (
            <input
              id={id}
              type="number"
              step={type === 'integer' ? 1 : 'any'}
              value={typeof current === 'number' ? current : ''}
              onChange={(e) => set(key, e.target.value === '' ? undefined : Number(e.target.value))}
            />
          );
        else if (type === 'string')
          input = (
            <input
              id={id}
              type="text"
              value={typeof current === 'string' ? current : ''}
              onChange={(e) => set(key, e.target.value === '' ? undefined : e.target.value)}
            />
          );
        else input = <JsonField id={id} value={current} onChange={(v) => set(key, v)} />;
        return (
          <div className="field" key={key}>
            <label htmlFor={id}>
              {key}
              {required && <span className="required">*</span>}{' '}
              <span className="muted">{type}</span>
            </label>
            {input}
            {p.description && <small className="muted">{p.description}</small>}
          </div>
        );
      })}
    </div>
  );
}

/** A JSON value typed as text; kept as text until it parses. */
function JsonField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  return (
    <textarea
      id={id}
      rows={2}
      defaultValue={value === undefined ? '' : JSON.stringify(value)}
      onChange={(e) => {
        if (e.target.value.trim() === '') return onChange(undefined);
        try {
          onChange(JSON.parse(e.target.value));
        } catch {
          // not JSON yet: keep the last value
        }
      }}
    />
  );
}
