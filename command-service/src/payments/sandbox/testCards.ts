import type { DeclineReason } from '@orderflow/schemas';

/** What the sandbox does with an authorization for a payment method token. */
export type CardBehaviour =
  | { readonly kind: 'approve' }
  | { readonly kind: 'decline'; readonly reason: DeclineReason }
  /** Holds the request past any sane client timeout, then answers 504; nothing is applied. */
  | { readonly kind: 'timeout' }
  /** Answers 500 every time; nothing is applied. */
  | { readonly kind: 'error' }
  /** Answers 503 to the first attempt of each idempotency key, then behaves like an approving card. */
  | { readonly kind: 'flaky' }
  /** Authorizes, then answers 500 to every capture of that payment (for capture-failure handling). */
  | { readonly kind: 'capture_error' };

/**
 * The sandbox's test payment method tokens (documented in command-service/README.md). Any other token approves,
 * so that ordinary tokens such as `pm_test_visa_4242` work unchanged.
 */
export const testCards: Readonly<Record<string, CardBehaviour>> = {
  tok_visa: { kind: 'approve' },
  tok_mastercard: { kind: 'approve' },
  tok_declined: { kind: 'decline', reason: 'card_declined' },
  tok_insufficient_funds: { kind: 'decline', reason: 'insufficient_funds' },
  tok_expired_card: { kind: 'decline', reason: 'expired_card' },
  tok_authentication_required: { kind: 'decline', reason: 'authentication_required' },
  tok_fraudulent: { kind: 'decline', reason: 'fraud_suspected' },
  tok_timeout: { kind: 'timeout' },
  tok_error: { kind: 'error' },
  tok_flaky: { kind: 'flaky' },
  tok_capture_error: { kind: 'capture_error' },
};

export function behaviourOf(token: string): CardBehaviour {
  return testCards[token] ?? { kind: 'approve' };
}
