import { describe, expect, it } from 'vitest';
import { InvalidCommand } from './domainError.js';
import { isAtOrBefore, toEpochMillis } from './timestamp.js';

describe('toEpochMillis', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0],
    ['2026-11-21T10:00:00.000Z', 1_795_255_200_000],
    ['2000-02-29T23:59:59.999Z', 951_868_799_999],
    ['1969-12-31T23:59:59.5Z', -500],
    ['2400-03-01T00:00:00.123456Z', 13_574_649_600_123],
  ])('reads %s as %d', (timestamp, millis) => {
    expect(toEpochMillis(timestamp)).toBe(millis);
  });

  it.each(['2026-11-21T10:00:00+01:00', '2026-11-21 10:00:00Z', '2026-13-01T00:00:00Z', 'tomorrow'])('refuses %s', (timestamp) => {
    expect(() => toEpochMillis(timestamp, 'expiresAt')).toThrow(InvalidCommand);
  });
});

describe('isAtOrBefore', () => {
  it('compares instants, not strings', () => {
    expect(isAtOrBefore('2026-11-21T10:00:00.5Z', '2026-11-21T10:00:00Z')).toBe(false);
    expect(isAtOrBefore('2026-11-21T10:00:00Z', '2026-11-21T10:00:00.000Z')).toBe(true);
    expect(isAtOrBefore('2026-11-21T09:59:59.999Z', '2026-11-21T10:00:00.000Z')).toBe(true);
  });
});
