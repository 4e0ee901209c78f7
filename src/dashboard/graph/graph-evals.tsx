import { useEffect } from 'react';
import { useMutation, useQuery } from 'urql';
import { EVAL_SETS, RUN_EVAL } from '../api/operations.js';

interface EvalRunRow {
  id: string;
  graphVersion: number;
  status: string;
  meanScore: number | null;
}
interface EvalSetRow {
  id: string;
  name: string;
  scorerGraph: string;
  cases: unknown[];
  runs: EvalRunRow[];
}

const score = (s: number | null) => (s === null ? '–' : s.toFixed(2));

/**
 * A graph's eval sets: each one's runs (version, status, mean score), a button that evaluates
 * the version shown, and how the newest finished run compares with the one before it.
 */
export function GraphEvals({ graphId, version }: { graphId: string; version: number }) {
  const [{ data }, refetch] = useQuery<{ evalSets: EvalSetRow[] }>({
    query: EVAL_SETS,
    variables: { graphId },
    requestPolicy: 'cache-and-network',
  });
  const [{ fetching }, runEval] = useMutation(RUN_EVAL);
  const sets = data?.evalSets ?? [];
  const running = sets.some((s) => s.runs.some((r) => r.status === 'RUNNING'));
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), 500);
    return () => clearInterval(timer);
  }, [running, refetch]);
  if (sets.length === 0) return null;
  return (
    <div className="card" data-testid="graph-evals">
      <h2>Evals</h2>
      {sets.map((s) => {
        const done = s.runs.filter((r) => r.status === 'SUCCEEDED');
        const [last, before] = done;
        return (
          <div key={s.id} data-testid={`eval-${s.name}`}>
            <h3>
              {s.name}{' '}
              <span className="muted">
                {s.cases.length} cases, scored by {s.scorerGraph}
              </span>
            </h3>
            <button
              type="button"
              disabled={fetching}
              onClick={async () => {
                await runEval({ id: s.id, v: version });
                refetch({ requestPolicy: 'network-only' });
              }}
            >
              Evaluate v{version}
            </button>
            {last && before && (
              <p data-testid="eval-compare">
                v{last.graphVersion}: {score(last.meanScore)} against v{before.graphVersion}:{' '}
                {score(before.meanScore)} (
                {((last.meanScore ?? 0) - (before.meanScore ?? 0) >= 0 ? '+' : '') +
                  ((last.meanScore ?? 0) - (before.meanScore ?? 0)).toFixed(2)}
                )
              </p>
            )}
            <table className="table compact">
              <tbody>
                {s.runs.map((r) => (
                  <tr key={r.id} data-testid="eval-run" data-status={r.status}>
                    <td>v{r.graphVersion}</td>
                    <td>{r.status}</td>
                    <td>{score(r.meanScore)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </div>
  );
}
