import { parseEnv } from '@orderflow/platform';
import { CheckoutPolicy } from '@orderflow/schemas';
import { z } from 'zod';
import { defaultCheckoutPolicy } from './checkoutWorker.js';

/** A policy field from an environment variable, within the policy's own bounds; unset keeps the default. */
const fromEnv = (field: keyof CheckoutPolicy) => z.coerce.number().pipe(CheckoutPolicy.shape[field]).optional();

/** The checkout saga's limits in the environment; each unset one keeps its default (`defaultCheckoutPolicy`). */
export const checkoutEnvSchema = z.object({
  CHECKOUT_RESERVATION_TTL_MS: fromEnv('reservationTtlMs'),
  CHECKOUT_RESERVATION_GRACE_MS: fromEnv('reservationGraceMs'),
  CHECKOUT_PAYMENT_TIMEOUT_MS: fromEnv('paymentTimeoutMs'),
  CHECKOUT_SETTLE_AFTER_MS: fromEnv('settleAfterMs'),
  CHECKOUT_RETRY_BASE_MS: fromEnv('retryBaseMs'),
  CHECKOUT_RETRY_MAX_MS: fromEnv('retryMaxMs'),
  CHECKOUT_MAX_CAPTURE_ATTEMPTS: fromEnv('maxCaptureAttempts'),
});

/**
 * The checkout policy from the environment, for the command service and the embedded engine alike: the defaults with
 * what is set. A value out of the policy's bounds stops the start, the variable named.
 */
export function checkoutPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): CheckoutPolicy {
  const e = parseEnv(checkoutEnvSchema, env, 'checkout configuration');
  const d = defaultCheckoutPolicy;
  return {
    reservationTtlMs: e.CHECKOUT_RESERVATION_TTL_MS ?? d.reservationTtlMs,
    reservationGraceMs: e.CHECKOUT_RESERVATION_GRACE_MS ?? d.reservationGraceMs,
    paymentTimeoutMs: e.CHECKOUT_PAYMENT_TIMEOUT_MS ?? d.paymentTimeoutMs,
    settleAfterMs: e.CHECKOUT_SETTLE_AFTER_MS ?? d.settleAfterMs,
    retryBaseMs: e.CHECKOUT_RETRY_BASE_MS ?? d.retryBaseMs,
    retryMaxMs: e.CHECKOUT_RETRY_MAX_MS ?? d.retryMaxMs,
    maxCaptureAttempts: e.CHECKOUT_MAX_CAPTURE_ATTEMPTS ?? d.maxCaptureAttempts,
  };
}
