import { DeclineReason, Id, PaymentMethodToken, PositiveMoney, ProblemDetails } from '@orderflow/schemas';
import { z } from 'zod';

/**
 * The HTTP contract between the payment gateway client and the sandbox gateway (private to this package: nothing
 * else speaks it). Every request carries an `Idempotency-Key` header; declines are 402 problems naming the reason.
 */
const GatewayReference = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'must be a gateway reference');

export const AuthorizeBody = z.strictObject({ paymentId: Id, amount: PositiveMoney, paymentMethodToken: PaymentMethodToken });
export type AuthorizeBody = z.infer<typeof AuthorizeBody>;

/** Capture, void and refund: the amount to move, and the authorization's reference when the caller has it. */
export const MoneyMovementBody = z.strictObject({ paymentId: Id, amount: PositiveMoney, reference: GatewayReference.optional() });
export type MoneyMovementBody = z.infer<typeof MoneyMovementBody>;

export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().regex(/^[\x21-\x7E]{1,255}$/, 'at most 255 printable ASCII characters, no spaces'),
});

/** A payment's amounts as the gateway sees them (minor units). */
export const GatewayLedger = z.strictObject({
  currency: z.string(),
  authorized: z.int().min(0),
  captured: z.int().min(0),
  refunded: z.int().min(0),
  voided: z.int().min(0),
});
export type GatewayLedger = z.infer<typeof GatewayLedger>;

export const GatewayApproval = z.strictObject({
  status: z.literal('approved'),
  operation: z.enum(['authorize', 'capture', 'void', 'refund']),
  paymentId: Id,
  reference: GatewayReference,
  amount: PositiveMoney,
  ledger: GatewayLedger,
});
export type GatewayApproval = z.infer<typeof GatewayApproval>;

/** 402: the card or the issuer said no. */
export const DeclineProblem = ProblemDetails.extend({ declineReason: DeclineReason });
export type DeclineProblem = z.infer<typeof DeclineProblem>;
