import type { Money } from '@orderflow/schemas';
import { InvalidCommand } from './domainError.js';

/**
 * The schemas check every command at the edge; these guards keep the invariants that would silently break if a
 * caller skipped them (a negative reservation would create stock).
 */
export function assertPositiveInteger(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidCommand(field, 'must be a positive integer');
}

export function assertNonZeroInteger(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value === 0) throw new InvalidCommand(field, 'must be a non-zero integer');
}

export function assertMoney(field: string, value: Money): void {
  if (!Number.isSafeInteger(value.amount) || value.amount < 0)
    throw new InvalidCommand(field, 'must be a non-negative integer of minor units');
  if (!/^[A-Z]{3}$/.test(value.currency)) throw new InvalidCommand(field, 'must have an ISO 4217 currency');
}
