import { useMemo, useState } from 'react';
import { useMutation } from 'urql';
import { FORK_RUN } from '../api/operations.js';
import { type Problem, problemOf } from '../api/problems.js';
import { JsonView } from '../components/json-view.js';
import { ProblemView } from '../components/problem-view.js';
import { navigate } from '../router.js';
import { parseState, statePatchBetween } from './state-patch.js';

type State = Record<string, unknown>;

/**
 * "Fork from here" at a NODE_STARTED event: the state at that point, editable as JSON; the keys
 * changed are sent as forkRun's statePatch, and the new run opens.
 */
export function ForkForm({
  runId,
  nodeId,
  iteration,
  state,
}: {
  runId: string;
  nodeId: string;
  iteration: number;
  state: State;
}) {
  const [text, setText] = useState(() => JSON.stringify(state, null, 2));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [{ fetching }, fork] = useMutation<{ forkRun: { id: string } }>(FORK_RUN);
  const parsed = useMemo(() => parseState(text), [text]);
  const patch = parsed.ok ? statePatchBetween(state, parsed.state) : null;
  return (
    <form
      className="fork-form"
      data-testid="fork-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!patch) return;
        setProblem(null);
        const res = await fork({
          runId,
          input: { fromNode: nodeId, iteration, statePatch: patch },
        });
        if (res.error) setProblem(problemOf(res.error));
        else if (res.data) navigate(`/runs/${res.data.forkRun.id}`);
      }}
    >
      <label htmlFor="fork-state">
        State when <strong>{nodeId}</strong>
        {iteration > 1 && ` #${iteration}`} starts (edit it; the changed keys are set in the fork)
      </label>
      <textarea
        id="fork-state"
        rows={Math.min(16, text.split('\n').length + 1)}
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        data-testid="fork-state"
      />
      {parsed.ok ? (
        <>
          <h4>State patch</h4>
          <JsonView value={patch} testId="fork-patch" />
        </>
      ) : (
        <p className="error">The state is {parsed.why}</p>
      )}
      <div className="row">
        <button type="submit" disabled={fetching || !parsed.ok} data-testid="fork-submit">
          Fork
        </button>
      </div>
      {problem && <ProblemView problem={problem} testId="fork-problem" />}
    </form>
  );
}
