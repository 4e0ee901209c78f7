import { useState } from 'react';
import { useMutation } from 'urql';
import { RETRY_RUN } from '../api/operations.js';
import { type Problem, problemOf } from '../api/problems.js';
import { ProblemView } from '../components/problem-view.js';
import { navigate } from '../router.js';

/**
 * Retry of a failed or cancelled run (retryRun): what succeeded is kept, the rest runs again, on
 * the run's version or, when a newer one exists and is ticked, the latest; opens the new run.
 */
export function RetryButton({
  runId,
  version,
  latest,
}: {
  runId: string;
  version: number;
  latest: number;
}) {
  const [useLatest, setUseLatest] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [{ fetching }, retry] = useMutation<{ retryRun: { id: string } }>(RETRY_RUN);
  return (
    <div className="retry">
      <div className="row">
        {latest > version && (
          <label className="small">
            <input
              type="checkbox"
              checked={useLatest}
              data-testid="retry-latest"
              onChange={(e) => setUseLatest(e.target.checked)}
            />{' '}
            on the latest version (v{latest})
          </label>
        )}
        <button
          type="button"
          disabled={fetching}
          data-testid="retry-run"
          onClick={async () => {
            setProblem(null);
            const res = await retry({ runId, latest: useLatest });
            if (res.error) setProblem(problemOf(res.error));
            else if (res.data) navigate(`/runs/${res.data.retryRun.id}`);
          }}
        >
          Retry
        </button>
      </div>
      {problem && <ProblemView problem={problem} testId="retry-problem" />}
    </div>
  );
}
