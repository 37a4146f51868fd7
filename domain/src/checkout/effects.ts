import type { CancellationReason, CheckoutEffect, CheckoutPolicy } from '@orderflow/schemas';
import { addMillis } from './addMillis.js';
import { type Checkout, type CheckoutFacts, uncapturedOf } from './checkout.js';

/** The reservation of one line: held a grace period past the saga's own expiry timer. */
export function reserveEffects(facts: CheckoutFacts, policy: CheckoutPolicy, only?: (sku: string) => boolean): CheckoutEffect[] {
  const expiresAt = addMillis(facts.reservationDueAt, policy.reservationGraceMs);
  return facts.lines
    .filter((l) => only?.(l.sku) ?? true)
    .map(({ sku, quantity }) => ({ kind: 'reserve', sku, customerId: facts.customerId, quantity, expiresAt }));
}

export function authorizeEffect(facts: CheckoutFacts): CheckoutEffect {
  return { kind: 'authorize', amount: facts.total, paymentMethodToken: facts.paymentMethodToken };
}

function moneyEffect(checkout: Checkout, kind: 'capture' | 'void' | 'refund', amount: number, requestId?: string): CheckoutEffect {
  const { gatewayReference } = checkout.payment;
  return {
    kind,
    amount: { amount, currency: checkout.facts.total.currency },
    ...(gatewayReference === undefined ? {} : { gatewayReference }),
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/**
 * The refunds of the confirmed order asked for and not yet seen in the ledger (`only`: that one), each under its own
 * request id, so two partial refunds are two ledger moves and two gateway keys.
 */
export function refundEffects(checkout: Checkout, only?: string): CheckoutEffect[] {
  return Object.entries(checkout.refunds)
    .filter(([requestId]) => only === undefined || requestId === only)
    .map(([requestId, amount]) => moneyEffect(checkout, 'refund', amount, requestId));
}

/**
 * What the checkout still has to do to complete, in the order it is done: confirm the order (issued first, so that a
 * cancelled order stops the rest), commit every reserved line, capture the authorization.
 */
export function completionEffects(checkout: Checkout): CheckoutEffect[] {
  const effects: CheckoutEffect[] = [];
  if (checkout.order === 'placed') effects.push({ kind: 'confirm_order' });
  for (const { sku } of checkout.facts.lines) if (checkout.lines[sku] === 'reserved') effects.push({ kind: 'commit', sku });
  const { payment } = checkout;
  if (payment.status === 'authorized' && payment.captured < payment.authorized)
    effects.push(moneyEffect(checkout, 'capture', payment.authorized - payment.captured));
  return effects;
}

/**
 * What the checkout still has to give back after deciding to cancel: cancel the order, release held stock, put sold
 * stock back, and void, refund or abandon the payment. Each effect is idempotent, so issuing one twice is harmless.
 */
export function compensationEffects(checkout: Checkout, reason: CancellationReason, detail?: string): CheckoutEffect[] {
  const effects: CheckoutEffect[] = [];
  if (checkout.order !== 'cancelled') effects.push({ kind: 'cancel_order', reason, ...(detail === undefined ? {} : { detail }) });
  effects.push(...lineCompensation(checkout, reason, () => true));
  effects.push(...paymentCompensation(checkout));
  return effects;
}

export function lineCompensation(checkout: Checkout, reason: CancellationReason, only: (sku: string) => boolean): CheckoutEffect[] {
  return checkout.facts.lines.flatMap(({ sku, quantity }): CheckoutEffect[] => {
    if (!only(sku)) return [];
    const status = checkout.lines[sku];
    if (status === 'reserved') return [{ kind: 'release', sku, reason }];
    if (status === 'committed') return [{ kind: 'return_stock', sku, quantity }];
    return [];
  });
}

export function paymentCompensation(checkout: Checkout): CheckoutEffect[] {
  const { payment, facts } = checkout;
  if (payment.status === 'requested')
    return [{ kind: 'abandon_payment', amount: facts.total, detail: 'checkout cancelled before the authorization was answered' }];
  if (payment.status !== 'authorized') return [];
  const effects: CheckoutEffect[] = [];
  const uncaptured = uncapturedOf(payment);
  if (uncaptured > 0) effects.push(moneyEffect(checkout, 'void', uncaptured));
  // Named by the range of captured money it gives back: deciding it again before its echo repeats the same refund,
  // and a later refund (after another capture or refund) is a new one.
  if (payment.captured > payment.refunded)
    effects.push(moneyEffect(checkout, 'refund', payment.captured - payment.refunded, `cancel-${payment.refunded}-${payment.captured}`));
  return effects;
}

/** Exponential backoff of the `attempt`-th retry (0-based). */
export function backoff(policy: CheckoutPolicy, attempt: number): number {
  return Math.min(policy.retryBaseMs * 2 ** Math.min(attempt, 30), policy.retryMaxMs);
}
