import { InvalidCommand } from './domainError.js';

const isoUtc = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * Milliseconds since the epoch of an ISO-8601 UTC timestamp, parsed by hand because the domain has no `Date`
 * (a clock is one `new` away). Accepts the `Z` form the schemas produce, with any fraction of a second.
 */
export function toEpochMillis(timestamp: string, field = 'timestamp'): number {
  const match = isoUtc.exec(timestamp);
  if (match === null) throw new InvalidCommand(field, 'must be an ISO-8601 UTC timestamp');
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    throw new InvalidCommand(field, 'must be an ISO-8601 UTC timestamp');
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis;
}

/** Whether `a` is at or before `b`. */
export function isAtOrBefore(a: string, b: string): boolean {
  return toEpochMillis(a) <= toEpochMillis(b);
}
