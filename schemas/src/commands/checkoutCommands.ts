import { z } from 'zod';
import { CheckoutInput } from '../events/checkoutEvents.js';
import { Id, OrderId } from '../common/scalars.js';
import { defineCommand } from './defineCommand.js';

const Millis = z
  .int()
  .min(1)
  .max(7 * 24 * 3_600_000);

/** The checkout's time limits and retry schedule (durations in milliseconds). */
export const CheckoutPolicy = z.strictObject({
  /** How long the reserved stock is held for an unpaid order (the reservation-expiry timer). */
  reservationTtlMs: Millis,
  /** Added to the reservation's own `expiresAt`, so the saga's timer always decides before the stock would refuse a commit. */
  reservationGraceMs: Millis,
  /** How long the authorization may take, gateway outages included, before the order is cancelled (`payment_timeout`). */
  paymentTimeoutMs: Millis,
  /** Watchdog of a step that is issued but not yet seen through: the effects are issued again after this long. */
  settleAfterMs: Millis,
  /** Backoff of gateway retries: `retryBaseMs · 2^attempt`, at most `retryMaxMs`. */
  retryBaseMs: Millis,
  retryMaxMs: Millis,
  /** Capture attempts before the order is raised to operators (the authorization is kept). */
  maxCaptureAttempts: z.int().min(1).max(100),
});
export type CheckoutPolicy = z.infer<typeof CheckoutPolicy>;

/** One input for the checkout of `orderId`; `inputId` identifies it, so a redelivered input is recognised. */
export const HandleCheckoutInput = defineCommand('HandleCheckoutInput', {
  orderId: OrderId,
  inputId: Id,
  input: CheckoutInput,
  policy: CheckoutPolicy,
});
export type HandleCheckoutInput = z.infer<typeof HandleCheckoutInput>;
