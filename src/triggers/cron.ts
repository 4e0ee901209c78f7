import { Cron } from 'croner';

/** A parsed cron expression in a time zone: its fires, computed (croner never starts a timer here). */
export interface CronSchedule {
  /** The first fire strictly after `after`; null when there is none. */
  nextAfter(after: Date): Date | null;
}

/** Whether the runtime knows the IANA time zone. */
function knownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses `cron` (5 fields, or 6 with seconds first; croner's syntax, `@daily` and the like too)
 * in `timezone`; returns the problems instead when either is invalid.
 */
export function parseCron(
  cron: string,
  timezone: string,
): { ok: true; schedule: CronSchedule } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (!knownTimeZone(timezone))
    problems.push(`timezone "${timezone}" is not an IANA time zone (e.g. "UTC", "Europe/Paris")`);
  let job: Cron | undefined;
  try {
    job = new Cron(cron, { timezone: problems.length ? 'UTC' : timezone, paused: true });
  } catch (err) {
    problems.push(
      `cron "${cron}" is not a cron expression (${(err as Error).message}); write 5 fields like "0 9 * * 1-5" (9:00 on weekdays), or 6 with seconds first`,
    );
  }
  if (!job || problems.length > 0) return { ok: false, problems };
  const parsed = job;
  return { ok: true, schedule: { nextAfter: (after) => parsed.nextRun(after) } };
}
