import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/triggers/cron.js';

describe('parseCron', () => {
  it('gives the next fire strictly after a time, in the time zone', () => {
    const parsed = parseCron('0 9 * * *', 'Europe/Paris');
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    // 9:00 in Paris is 8:00 UTC in winter, 7:00 UTC in summer.
    expect(parsed.schedule.nextAfter(new Date('2026-01-10T12:00:00Z'))?.toISOString()).toBe(
      '2026-01-11T08:00:00.000Z',
    );
    expect(parsed.schedule.nextAfter(new Date('2026-07-10T12:00:00Z'))?.toISOString()).toBe(
      '2026-07-11T07:00:00.000Z',
    );
    expect(parsed.schedule.nextAfter(new Date('2026-01-11T08:00:00Z'))?.toISOString()).toBe(
      '2026-01-12T08:00:00.000Z',
    );
  });

  it('takes six fields with seconds first', () => {
    const parsed = parseCron('*/10 * * * * *', 'UTC');
    if (!parsed.ok) throw new Error(parsed.problems.join('; '));
    expect(parsed.schedule.nextAfter(new Date('2026-01-01T00:00:01Z'))?.toISOString()).toBe(
      '2026-01-01T00:00:10.000Z',
    );
  });

  it('reports a bad expression and a bad time zone together', () => {
    const parsed = parseCron('61 * * *', 'Nowhere/Land');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toHaveLength(2);
    expect(parsed.problems[0]).toContain('IANA time zone');
    expect(parsed.problems[1]).toContain('5 fields');
  });
});
