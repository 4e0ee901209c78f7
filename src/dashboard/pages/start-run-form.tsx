import { useState } from 'react';
import { useMutation } from 'urql';
import { START_RUN } from '../api/operations.js';
import type { GraphDef } from '../api/types.js';
import { defaultsOf, isFormSchema, SchemaForm } from '../components/schema-form.js';
import { navigate } from '../router.js';

/**
 * Starts a run: a form from the graph's input schema when it declares one, JSON otherwise (the
 * state keys the graph declares are listed as a hint).
 */
export function StartRunForm({
  graphId,
  def,
  versions,
}: {
  graphId: string;
  def: GraphDef;
  versions: number[];
}) {
  const schema = isFormSchema(def.inputSchema) ? def.inputSchema : null;
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    schema ? defaultsOf(schema) : {},
  );
  const [text, setText] = useState('{}');
  const [version, setVersion] = useState<number | ''>('');
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching }, start] = useMutation<{ startRun: { id: string } }>(START_RUN);
  const keys = Object.keys(def.state ?? {});
  return (
    <form
      className="start-run"
      data-testid="start-run-form"
      onSubmit={async (e) => {
        e.preventDefault();
        let input: unknown = values;
        if (!schema) {
          try {
            input = JSON.parse(text || '{}');
          } catch (err) {
            setProblem(`The input is not JSON: ${(err as Error).message}`);
            return;
          }
        }
        setProblem(null);
        const res = await start({ graphId, input, ...(version === '' ? {} : { version }) });
        if (res.error) setProblem(res.error.message.replace(/^\[GraphQL\] /, ''));
        else if (res.data) navigate(`/runs/${res.data.startRun.id}`);
      }}
    >
      {schema ? (
        <SchemaForm schema={schema} value={values} onChange={setValues} />
      ) : (
        <>
          <label htmlFor="run-input">Input (JSON object)</label>
          <textarea
            id="run-input"
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
          />
          {keys.length > 0 && <small className="muted">State keys: {keys.join(', ')}</small>}
        </>
      )}
      <div className="row">
        <label>
          Version{' '}
          <select
            value={version}
            onChange={(e) => setVersion(e.target.value === '' ? '' : Number(e.target.value))}
          >
            <option value="">latest</option>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={fetching} data-testid="start-run">
          Start run
        </button>
      </div>
      {problem && <p className="error">{problem}</p>}
    </form>
  );
}
