import { useMutation } from 'urql';
import { PAUSE_RUN, UNPAUSE_RUN } from '../api/operations.js';
import type { RunStatus } from '../api/types.js';

/** Runs that pauseRun takes: running, queued or waiting for a person. */
const PAUSABLE: ReadonlySet<RunStatus> = new Set(['QUEUED', 'RUNNING', 'WAITING']);

/**
 * Pause (the run stops at its next node boundary) or, once PAUSED, unpause it. The status the
 * page shows comes from the run's events (RUN_PAUSED / RUN_UNPAUSED), not from the answer.
 */
export function PauseButton({ runId, status }: { runId: string; status: RunStatus }) {
  const [{ fetching: pausing, error: pauseError }, pause] = useMutation(PAUSE_RUN);
  const [{ fetching: unpausing, error: unpauseError }, unpause] = useMutation(UNPAUSE_RUN);
  const error = pauseError ?? unpauseError;
  return (
    <>
      {PAUSABLE.has(status) && (
        <button
          type="button"
          disabled={pausing}
          data-testid="pause-run"
          onClick={() => void pause({ id: runId })}
        >
          {pausing ? 'Pausing…' : 'Pause'}
        </button>
      )}
      {status === 'PAUSED' && (
        <button
          type="button"
          disabled={unpausing}
          data-testid="unpause-run"
          onClick={() => void unpause({ id: runId })}
        >
          Unpause
        </button>
      )}
      {error && (
        <span className="error" role="alert">
          {error.graphQLErrors[0]?.message ?? error.message}
        </span>
      )}
    </>
  );
}
