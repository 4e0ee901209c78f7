import { useState } from 'react';
import { useQuery } from 'urql';
import { STATE_AT } from '../api/operations.js';
import type { RunEvent } from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { ForkForm } from './fork-form.js';
import type { RunLog } from './use-run-log.js';

/**
 * The selected event: its data (the patch of a NODE_SUCCEEDED), the run state right after it
 * (`Run.stateAt`, folded by the server), and at a NODE_STARTED, "Fork from here".
 */
export function EventDetail({ log, seq, runId }: { log: RunLog; seq: number; runId: string }) {
  const event: RunEvent | undefined = log.get(seq);
  const [{ data, error }] = useQuery<{ run: { stateAt: Record<string, unknown> } | null }>({
    query: STATE_AT,
    variables: { id: runId, seq },
  });
  const [forking, setForking] = useState<number | null>(null);
  const state = data?.run?.stateAt;
  const canFork = event?.type === 'NODE_STARTED' && event.nodeId && state;
  return (
    <div className="event-detail" data-testid="event-detail">
      <h3>
        Event {seq} {event && <code>{event.type}</code>} {event?.nodeId && <>· {event.nodeId}</>}
      </h3>
      {event?.type === 'NODE_SUCCEEDED' ? (
        <>
          <h4>Patch</h4>
          <JsonView value={event.data.patch} testId="event-patch" />
        </>
      ) : (
        event && <JsonView value={event.data} />
      )}
      {canFork && forking !== seq && (
        <div className="row">
          <button type="button" data-testid="fork-from-here" onClick={() => setForking(seq)}>
            Fork from here
          </button>
        </div>
      )}
      {canFork && forking === seq && (
        <ForkForm
          key={seq}
          runId={runId}
          nodeId={event.nodeId!}
          iteration={typeof event.data.iteration === 'number' ? event.data.iteration : 1}
          state={state}
        />
      )}
      <h4>State after this event</h4>
      {state ? (
        <JsonView value={state} testId="state-at-event" />
      ) : error ? (
        <p className="error">{error.message}</p>
      ) : (
        <p className="muted">Reading the state…</p>
      )}
    </div>
  );
}
