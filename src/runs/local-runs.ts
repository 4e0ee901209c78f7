import type { RunPatch, RunRecord, RunStatus } from './ports.js';

/**
 * The runs this process owns until their end is stored, each with its record kept current from
 * the batches it commits: status updates carry the run as it is, so no subscriber reads the row.
 */
export class LocalRuns {
  private readonly records = new Map<string, RunRecord>();
  private readonly waiters = new Map<string, Array<() => void>>();

  /** The ids of the runs this process owns now. */
  ids(): string[] {
    return [...this.records.keys()];
  }

  get(runId: string): RunRecord | undefined {
    return this.records.get(runId);
  }

  /** The concurrency key of a run here, if it has one. */
  concurrencyKeyOf(runId: string): string | null {
    return this.records.get(runId)?.concurrencyKey ?? null;
  }

  has(runId: string): boolean {
    return this.records.has(runId);
  }

  add(record: RunRecord): void {
    this.records.set(record.id, record);
  }

  /**
   * Applies a stored patch; returns the run as it was after each status it went through (for
   * `run:updated`), or nothing when the run is not ours or its status did not change.
   */
  apply(patch: RunPatch): RunRecord[] {
    const record = this.records.get(patch.id);
    if (!record) return [];
    // The statuses a batch passed through (RUNNING, when a run starts and ends in one commit)
    // are reported as the run was before the batch, with that status only.
    const before = patch.transitions && patch.transitions.length > 1 ? { ...record } : record;
    record.lastSeq = patch.lastSeq;
    if (patch.state !== undefined) record.state = patch.state;
    if (patch.error !== undefined) record.error = patch.error;
    if (patch.startedAt !== undefined) record.startedAt = new Date(patch.startedAt);
    if (patch.finishedAt !== undefined) record.finishedAt = new Date(patch.finishedAt);
    if (!patch.status) return [];
    record.status = patch.status;
    // Every transition, so a dashboard sees RUNNING even when the run ended in the same batch.
    const statuses: readonly RunStatus[] = patch.transitions ?? [patch.status];
    const last = statuses.length - 1;
    return statuses.map((status, i) => ({ ...(i === last ? record : before), status }));
  }

  /** Every run here, settled (shutdown handed them back for another process to resume). */
  settleAll(): void {
    for (const runId of [...this.records.keys()]) this.settle(runId);
  }

  /** The run's end is stored (or it left this process): forget it and wake its waiters. */
  settle(runId: string): void {
    this.records.delete(runId);
    const ws = this.waiters.get(runId);
    this.waiters.delete(runId);
    if (ws) for (const w of ws) w();
  }

  /** Resolves when the run settles (at once when it is not ours). */
  waitFor(runId: string): Promise<void> {
    if (!this.records.has(runId)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
  }
}
