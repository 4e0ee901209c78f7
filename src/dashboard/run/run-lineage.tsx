import type { Lineage, RunOrigin } from '../api/types.js';
import { Link } from '../components/link.js';
import { StatusBadge } from '../components/status.js';

const MADE: Record<RunOrigin, string> = {
  FORK: 'Forked from',
  RETRY: 'Retry of',
  CHILD: 'Sub-graph run of',
};

const short = (id: string) => (id.length > 12 ? `${id.slice(0, 10)}…` : id);

/** Where a run came from (Run.parent, origin) and the runs forked or retried from it. */
export function RunLineage({ lineage }: { lineage: Lineage }) {
  const { parent, origin, parentSeq, forks } = lineage;
  if (!parent && forks.length === 0) return null;
  return (
    <div className="lineage" data-testid="run-lineage">
      {parent && (
        <p data-testid="run-parent" data-origin={origin ?? ''}>
          {MADE[origin ?? 'CHILD']} <Link to={`/runs/${parent.id}`}>{short(parent.id)}</Link>{' '}
          <StatusBadge status={parent.status} />
          {origin === 'FORK' && parentSeq !== null && (
            <span className="muted"> · at event {parentSeq}</span>
          )}
        </p>
      )}
      {forks.length > 0 && (
        <p data-testid="run-forks">
          Made from this run:{' '}
          {forks.map((f, i) => (
            <span key={f.id} data-testid="run-fork" data-run={f.id} data-origin={f.origin ?? ''}>
              {i > 0 && ', '}
              <Link to={`/runs/${f.id}`}>{short(f.id)}</Link>{' '}
              <span className="muted">({(f.origin ?? 'child').toLowerCase()})</span>{' '}
              <StatusBadge status={f.status} />
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
