import { useState } from 'react';
import { useMutation } from 'urql';
import { RESUME_RUN } from '../api/operations.js';
import { type Problem, problemOf } from '../api/problems.js';
import type { Interrupt } from '../api/types.js';
import { ProblemView } from '../components/problem-view.js';
import { defaultsOf, isFormSchema, SchemaForm } from '../components/schema-form.js';
import { formatTime } from '../components/status.js';

/** The pending questions of a run, each with a form from its JSON Schema (resumeRun). */
export function InterruptPanel({ runId, interrupts }: { runId: string; interrupts: Interrupt[] }) {
  const pending = interrupts.filter((i) => i.status === 'PENDING');
  if (pending.length === 0) return null;
  return (
    <div className="card interrupts" data-testid="interrupts">
      <h2>Waiting for an answer</h2>
      {pending.map((i) => (
        <InterruptForm key={i.id} runId={runId} interrupt={i} />
      ))}
    </div>
  );
}

function InterruptForm({ runId, interrupt }: { runId: string; interrupt: Interrupt }) {
  const schema = isFormSchema(interrupt.schema) ? interrupt.schema : null;
  const [values, setValues] = useState<Record<string, unknown>>(() =>
    schema ? defaultsOf(schema) : {},
  );
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [{ fetching }, resume] = useMutation(RESUME_RUN);
  return (
    <form
      className="interrupt"
      data-testid="interrupt"
      data-interrupt={interrupt.id}
      data-node={interrupt.nodeId}
      onSubmit={async (e) => {
        e.preventDefault();
        let value: unknown = values;
        if (!schema) {
          try {
            value = JSON.parse(text);
          } catch (err) {
            setProblem({
              code: null,
              message: `The answer is not JSON: ${(err as Error).message}`,
              problems: [],
            });
            return;
          }
        }
        setProblem(null);
        const res = await resume({ runId, interruptId: interrupt.id, value });
        if (res.error) setProblem(problemOf(res.error));
      }}
    >
      <p className="interrupt-prompt" data-testid="interrupt-prompt">
        <strong>{interrupt.nodeId}</strong>
        {interrupt.iteration > 1 && <> #{interrupt.iteration}</>} asks: {interrupt.prompt}
      </p>
      {interrupt.deadline && (
        <small className="muted">Answer before {formatTime(interrupt.deadline)}</small>
      )}
      {schema ? (
        <SchemaForm schema={schema} value={values} onChange={setValues} testId="interrupt-form" />
      ) : (
        <>
          <label htmlFor={`answer-${interrupt.id}`}>Answer (JSON)</label>
          <textarea
            id={`answer-${interrupt.id}`}
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            data-testid="interrupt-json"
          />
        </>
      )}
      <div className="row">
        <button type="submit" disabled={fetching} data-testid="answer-interrupt">
          Answer
        </button>
      </div>
      {problem && <ProblemView problem={problem} testId="interrupt-problem" />}
    </form>
  );
}
