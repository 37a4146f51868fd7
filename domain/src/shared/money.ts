import type { Money } from '@orderflow/schemas';
import { CurrencyMismatch, InvalidCommand } from './domainError.js';

/** Money in integer minor units; every helper refuses to mix currencies or leave the safe-integer range. */
export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new InvalidCommand('amount', 'must be a non-negative integer of minor units');
  return { amount, currency };
}

export function assertSameCurrency(expected: string, actual: Money): void {
  if (actual.currency !== expected) throw new CurrencyMismatch(expected, actual.currency);
}

export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency(a.currency, b);
  return money(a.amount + b.amount, a.currency);
}

/** Throws when `b` exceeds `a`: a ledger never goes negative. */
export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency(a.currency, b);
  return money(a.amount - b.amount, a.currency);
}

export function multiplyMoney(unit: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity) || quantity < 0) throw new InvalidCommand('quantity', 'must be a non-negative integer');
  return money(unit.amount * quantity, unit.currency);
}

export function sumMoney(amounts: readonly Money[], currency: string): Money {
  return amounts.reduce(addMoney, money(0, currency));
}

export function zeroMoney(currency: string): Money {
  return money(0, currency);
}
