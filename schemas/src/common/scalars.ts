import { z } from 'zod';

/** A bounded, trimmed-on-the-client text field: printable, no control characters. */
export function boundedText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
}

/**
 * An opaque identifier: order, customer, request, command and correlation ids.
 * UUIDs fit, and so do the saga's deterministic ids (`checkout:o-1:reserve:SKU-1`).
 */
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'must be 1–128 letters, digits, _ . : -');
export type Id = z.infer<typeof Id>;

export const OrderId = Id;
export const CustomerId = Id;
/** Names one transition of a payment (or a refund of an order); repeating it repeats nothing. */
export const RequestId = Id;

/** A stock-keeping unit: upper-case letters, digits and dashes. */
export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,63}$/, 'must be 2–64 upper-case letters, digits or dashes');
export type Sku = z.infer<typeof Sku>;

/**
 * An instant in UTC with exactly millisecond precision (`2026-11-21T10:00:00.000Z`). The fixed format makes
 * timestamps comparable as plain strings, and the domain (which has no clock) relies on that.
 */
export const Timestamp = z.iso.datetime({ precision: 3 });
export type Timestamp = z.infer<typeof Timestamp>;

/** An opaque token issued by the payment gateway for a customer's payment method (never card data). */
export const PaymentMethodToken = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{7,127}$/, 'must be an opaque 8–128 character token');
export type PaymentMethodToken = z.infer<typeof PaymentMethodToken>;
