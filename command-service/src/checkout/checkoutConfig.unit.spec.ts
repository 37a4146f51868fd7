import { describe, expect, it } from 'vitest';
import { checkoutPolicyFromEnv } from './checkoutConfig.js';
import { defaultCheckoutPolicy } from './checkoutWorker.js';

describe('checkoutPolicyFromEnv', () => {
  it('keeps the defaults (10 min reservations, 2 min payment timeout) when nothing is set', () => {
    expect(checkoutPolicyFromEnv({})).toEqual(defaultCheckoutPolicy);
    expect(defaultCheckoutPolicy).toMatchObject({ reservationTtlMs: 600_000, paymentTimeoutMs: 120_000 });
  });

  it('takes what is set and keeps the rest', () => {
    expect(checkoutPolicyFromEnv({ CHECKOUT_RESERVATION_TTL_MS: '300000', CHECKOUT_MAX_CAPTURE_ATTEMPTS: '8' })).toEqual({
      ...defaultCheckoutPolicy,
      reservationTtlMs: 300_000,
      maxCaptureAttempts: 8,
    });
  });

  it('names every variable out of the policy’s bounds', () => {
    expect(() =>
      checkoutPolicyFromEnv({
        CHECKOUT_PAYMENT_TIMEOUT_MS: '0',
        CHECKOUT_RESERVATION_TTL_MS: 'ten minutes',
        CHECKOUT_MAX_CAPTURE_ATTEMPTS: '1000',
      }),
    ).toThrow(
      /invalid checkout configuration:[\s\S]*CHECKOUT_RESERVATION_TTL_MS[\s\S]*CHECKOUT_PAYMENT_TIMEOUT_MS[\s\S]*CHECKOUT_MAX_CAPTURE_ATTEMPTS/,
    );
  });
});
