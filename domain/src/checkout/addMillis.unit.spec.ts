import { describe, expect, it } from 'vitest';
import { addMillis } from './addMillis.js';

describe('addMillis', () => {
  it.each([
    ['2026-11-21T10:00:00.000Z', 600_000, '2026-11-21T10:10:00.000Z'],
    ['2026-12-31T23:59:59.999Z', 1, '2027-01-01T00:00:00.000Z'],
    ['2028-02-28T12:00:00.000Z', 86_400_000, '2028-02-29T12:00:00.000Z'],
    ['2100-02-28T00:00:00.500Z', 86_400_000, '2100-03-01T00:00:00.500Z'],
    ['1970-01-01T00:00:00.000Z', -1, '1969-12-31T23:59:59.999Z'],
  ])('%s + %i ms = %s', (from, millis, expected) => {
    expect(addMillis(from, millis)).toBe(expected);
  });
  it('agrees with the platform clock over random instants', () => {
    for (let i = 0; i < 1000; i++) {
      const from = Math.floor(Math.random() * 4_000_000_000_000);
      const delta = Math.floor(Math.random() * 1e10) - 5e9;
      // eslint-disable-next-line no-restricted-globals -- the reference: the platform's own calendar arithmetic
      expect(addMillis(new Date(from).toISOString(), delta)).toBe(new Date(from + delta).toISOString());
    }
  });
});
