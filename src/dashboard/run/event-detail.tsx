import { useEffect, useState } from 'react';
import type { GraphDef, RunEvent } from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { stateAt } from './fold-state.js';
import type { RunLog } from './use-run-log.js';

/** The selected event: its data (the patch of a NODE_SUCCEEDED), and the run state after it. */
export function EventDetail({
  log,
  seq,
  def,
}: {
  log: RunLog;
  seq: number;
  def: GraphDef | undefined;
}) {
  const [state, setState] = useState<Record<string, unknown> | null>(null);
  const event: RunEvent | undefined = log.get(seq);
  const { upTo } = log;
  useEffect(() => {
    let live = true;
    setState(null);
    void upTo(seq).then((events) => live && setState(stateAt(events, seq, def)));
    return () => {
      live = false;
    };
  }, [seq, upTo, def]);
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
      <h4>State after this event</h4>
      {state ? (
        <JsonView value={state} testId="state-at-event" />
      ) : (
        <p className="muted">Folding events…</p>
      )}
    </div>
  );
}
