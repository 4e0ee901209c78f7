import type { RunEvent } from '../api/types.js';
import { VirtualList } from '../components/virtual-list.js';
import type { RunLog } from './use-run-log.js';

/** One line of summary for an event. */
function summary(e: RunEvent): string {
  const d = e.data;
  switch (e.type) {
    case 'NODE_SUCCEEDED':
      return `patch ${Object.keys((d.patch as object) ?? {}).join(', ') || '(empty)'} · ${d.durationMs} ms`;
    case 'NODE_FAILED':
    case 'NODE_RETRYING':
    case 'RUN_FAILED': {
      const err = d.error as { code?: string; message?: string } | undefined;
      return `${err?.code ?? ''} ${err?.message ?? ''}`;
    }
    case 'NODE_SKIPPED':
      return String(d.reason ?? '');
    case 'LOG':
      return `[${d.level}] ${d.message}`;
    case 'CUSTOM':
      return `${d.name} ${d.payload === undefined ? '' : JSON.stringify(d.payload).slice(0, 120)}`;
    case 'NODE_STARTED':
      return `iteration ${d.iteration}`;
    default:
      return '';
  }
}

/**
 * The event log, virtualised: rows are seqs 1..total, each page loaded when it comes into view.
 * Clicking a row selects the event (its state and patch show beside).
 */
export function EventLog({
  log,
  selected,
  onSelect,
  follow,
}: {
  log: RunLog;
  selected: number | null;
  onSelect: (seq: number) => void;
  /** Keep to the end as events stream in (an active run); a finished run opens at its start. */
  follow: boolean;
}) {
  return (
    <VirtualList
      testId="event-log"
      count={log.total}
      rowHeight={26}
      height={360}
      follow={follow}
      onRange={(first, last) => log.ensure(first + 1, last + 1)}
      renderRow={(i) => {
        const e = log.get(i + 1);
        if (!e) return <div className="event-row muted">{i + 1} …</div>;
        return (
          <button
            type="button"
            className={`event-row type-${e.type.toLowerCase()}${selected === e.seq ? ' selected' : ''}`}
            data-testid="event-row"
            data-seq={e.seq}
            data-type={e.type}
            onClick={() => onSelect(e.seq)}
          >
            <span className="seq">{e.seq}</span>
            <span className="etype">{e.type}</span>
            <span className="enode">
              {e.nodeId ?? ''}
              {e.attempt && e.attempt > 1 ? ` #${e.attempt}` : ''}
            </span>
            <span className="esummary">{summary(e)}</span>
          </button>
        );
      }}
    />
  );
}
