/** A status as a coloured pill (run and node statuses share the palette). */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-${status.toLowerCase()}`} data-status={status}>
      {status.toLowerCase()}
    </span>
  );
}

/** "1.2 s", "340 ms", "2 min 5 s"; running durations count up to now. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function runDuration(run: { startedAt: string | null; finishedAt: string | null }): string {
  if (!run.startedAt) return '';
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  return formatDuration(end - Date.parse(run.startedAt));
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { hour12: false });
}

/** An error with its code, as the API gives it. */
export function ErrorBox({
  error,
}: {
  error: { code: string; message: string; nodeId?: string | null };
}) {
  return (
    <div className="error-box" data-testid="run-error" role="alert">
      <code>{error.code}</code>
      {error.nodeId && (
        <span>
          {' '}
          at node <strong>{error.nodeId}</strong>
        </span>
      )}
      <p>{error.message}</p>
    </div>
  );
}
