import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/ids.js';

describe('uuidv7', () => {
  it('is a version-7 RFC 9562 UUID carrying the timestamp', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const id = uuidv7(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBe(now);
  });

  it('sorts by creation time and never repeats', () => {
    const ids = [uuidv7(1_000), uuidv7(2_000), uuidv7(3_000)];
    expect([...ids].sort()).toEqual(ids);
    const many = new Set(Array.from({ length: 10_000 }, () => uuidv7(5_000)));
    expect(many.size).toBe(10_000);
  });
});
