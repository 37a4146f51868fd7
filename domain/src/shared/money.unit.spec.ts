import { describe, expect, it } from 'vitest';
import { CurrencyMismatch, InvalidCommand } from './domainError.js';
import { addMoney, money, multiplyMoney, subtractMoney, sumMoney } from './money.js';

const eur = (amount: number) => money(amount, 'EUR');

describe('money', () => {
  it('adds, subtracts and multiplies in minor units', () => {
    expect(addMoney(eur(1_999), eur(1))).toEqual(eur(2_000));
    expect(subtractMoney(eur(2_000), eur(1))).toEqual(eur(1_999));
    expect(multiplyMoney(eur(1_999), 3)).toEqual(eur(5_997));
    expect(sumMoney([eur(1), eur(2), eur(3)], 'EUR')).toEqual(eur(6));
    expect(sumMoney([], 'JPY')).toEqual(money(0, 'JPY'));
  });

  it('refuses to mix currencies', () => {
    expect(() => addMoney(eur(1), money(1, 'USD'))).toThrow(CurrencyMismatch);
  });
  it('never goes negative', () => {
    expect(() => subtractMoney(eur(1), eur(2))).toThrow(InvalidCommand);
  });
  it('refuses fractions of a minor unit', () => {
    expect(() => money(0.5, 'EUR')).toThrow(InvalidCommand);
  });
  it('refuses amounts beyond safe integers', () => {
    expect(() => multiplyMoney(eur(Number.MAX_SAFE_INTEGER), 2)).toThrow(InvalidCommand);
  });
});
