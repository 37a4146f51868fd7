import { z } from 'zod';

/** ISO 4217 alphabetic currency code. */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
export type CurrencyCode = z.infer<typeof CurrencyCode>;

/** An amount in the currency's minor unit (cents for EUR, yen for JPY): never a float. */
export const MinorUnits = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Money: integer minor units plus an ISO currency (DESIGN.md §4). */
export const Money = z.strictObject({ amount: MinorUnits, currency: CurrencyCode });
export type Money = z.infer<typeof Money>;

/** Money that must move something: captures, voids, refunds. */
export const PositiveMoney = z.strictObject({ amount: z.int().min(1).max(Number.MAX_SAFE_INTEGER), currency: CurrencyCode });
