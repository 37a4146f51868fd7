import type {
  CancellationReason,
  CheckoutEffect,
  CheckoutEvent,
  CheckoutInput,
  CheckoutPhase,
  CheckoutTimer,
  Money,
} from '@orderflow/schemas';

/** One line as the checkout knows it: its reservation's fate, from the inventory's events. */
export type LineStatus = 'pending' | 'reserved' | 'rejected' | 'committed' | 'released' | 'returned';

/** The payment as the checkout knows it, from the payment ledger's events (minor units). */
export interface CheckoutPayment {
  readonly status: 'none' | 'requested' | 'authorized' | 'declined';
  readonly authorized: number;
  readonly captured: number;
  readonly voided: number;
  readonly refunded: number;
  readonly gatewayReference?: string;
}

export interface CheckoutFacts {
  readonly orderId: string;
  readonly customerId: string;
  /** Sorted by SKU: reservations are made (and released) in this order. */
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
  readonly total: Money;
  readonly paymentMethodToken: string;
  /** When the reservation-expiry timer fires; each reservation's own `expiresAt` lies a grace period later. */
  readonly reservationDueAt: string;
}

export interface NoCheckout {
  readonly phase: 'none';
}

export interface Checkout {
  readonly phase: CheckoutPhase;
  readonly facts: CheckoutFacts;
  readonly lines: Readonly<Record<string, LineStatus>>;
  readonly order: 'placed' | 'confirmed' | 'cancelled';
  readonly payment: CheckoutPayment;
  readonly cancellation?: { readonly reason: CancellationReason; readonly detail?: string };
  /** Live timers: set and neither fired nor cancelled. */
  readonly timers: readonly CheckoutTimer[];
  /** Inbox and outbox at once: every input handled, with the effects issued for it (issued again on redelivery). */
  readonly outbox: Readonly<Record<string, readonly CheckoutEffect[]>>;
  /** Refunds of the confirmed order asked for (by request id, minor units) and not yet seen in the payment ledger. */
  readonly refunds: Readonly<Record<string, number>>;
  /** Capture failures since authorization (or the operator's last retry). */
  readonly captureFailures: number;
  /** Retries in the current phase: the exponent of the backoff. */
  readonly attempts: number;
}

export type CheckoutState = NoCheckout | Checkout;

export const initialState = (): CheckoutState => ({ phase: 'none' });

const noPayment: CheckoutPayment = { status: 'none', authorized: 0, captured: 0, voided: 0, refunded: 0 };

function setLine(checkout: Checkout, sku: string, status: LineStatus, from: readonly LineStatus[]): Checkout {
  const current = checkout.lines[sku];
  if (current === undefined || !from.includes(current)) return checkout;
  return { ...checkout, lines: { ...checkout.lines, [sku]: status } };
}

/** The facts an input brings (what the other streams recorded); the phase is the decision's, not this function's. */
export function applyInput(checkout: Checkout, input: CheckoutInput): Checkout {
  const { payment } = checkout;
  switch (input.kind) {
    case 'order_placed':
    case 'timer_fired':
      return checkout;
    case 'order_confirmed':
      return checkout.order === 'placed' ? { ...checkout, order: 'confirmed' } : checkout;
    case 'order_cancelled':
      return { ...checkout, order: 'cancelled' };
    case 'stock_reserved':
      return setLine(checkout, input.sku, 'reserved', ['pending']);
    case 'reservation_rejected':
      return setLine(checkout, input.sku, 'rejected', ['pending']);
    case 'reservation_committed':
      return setLine(checkout, input.sku, 'committed', ['pending', 'reserved']);
    case 'reservation_released':
      return setLine(checkout, input.sku, 'released', ['pending', 'reserved']);
    case 'payment_authorized': {
      const { gatewayReference } = input;
      const authorized = { status: 'authorized', authorized: input.amount.amount } as const;
      return { ...checkout, payment: { ...payment, ...authorized, ...(gatewayReference === undefined ? {} : { gatewayReference }) } };
    }
    case 'payment_declined':
      return payment.status === 'authorized' ? checkout : { ...checkout, payment: { ...payment, status: 'declined' } };
    case 'payment_captured':
      return { ...checkout, payment: { ...payment, captured: payment.captured + input.amount.amount } };
    case 'payment_voided':
      return { ...checkout, payment: { ...payment, voided: payment.voided + input.amount.amount } };
    case 'order_refunded':
      return { ...checkout, refunds: { ...checkout.refunds, [input.refundId]: input.amount.amount } };
    case 'payment_refunded': {
      const refunds = Object.fromEntries(Object.entries(checkout.refunds).filter(([requestId]) => requestId !== input.requestId));
      return { ...checkout, refunds, payment: { ...payment, refunded: payment.refunded + input.amount.amount } };
    }
    case 'gateway_failed':
      return input.operation === 'capture' ? { ...checkout, captureFailures: checkout.captureFailures + 1 } : checkout;
    case 'operator_retry':
      return { ...checkout, captureFailures: 0 };
  }
}

/** What issuing an effect tells about the future that no later input will: the payment is asked for, stock is back. */
function applyEffect(checkout: Checkout, effect: CheckoutEffect): Checkout {
  if (effect.kind === 'request_payment' && checkout.payment.status === 'none')
    return { ...checkout, payment: { ...checkout.payment, status: 'requested' } };
  if (effect.kind === 'return_stock') return setLine(checkout, effect.sku, 'returned', ['committed']);
  return checkout;
}

const sameTimer = (a: CheckoutTimer, b: CheckoutTimer) => a.kind === b.kind && a.dueAt === b.dueAt;

export function evolve(state: CheckoutState, event: CheckoutEvent): CheckoutState {
  const { inputId, phase, effects, timersSet, timersCancelled } = event.data;
  let checkout: Checkout;
  if (event.type === 'CheckoutStarted') {
    if (state.phase !== 'none') return state;
    const { orderId, customerId, lines, total, paymentMethodToken } = event.data;
    const reservationDueAt = timersSet.find((t) => t.kind === 'reservation')?.dueAt ?? '';
    checkout = {
      phase,
      facts: { orderId, customerId, lines, total, paymentMethodToken, reservationDueAt },
      lines: Object.fromEntries(lines.map((l) => [l.sku, 'pending' as const])),
      order: 'placed',
      payment: noPayment,
      timers: [],
      outbox: {},
      refunds: {},
      captureFailures: 0,
      attempts: 0,
    };
  } else {
    if (state.phase === 'none') return state;
    const { input, cancellation } = event.data;
    checkout = applyInput(state, input);
    checkout = {
      ...checkout,
      phase,
      attempts: phase === state.phase ? state.attempts + (input.kind === 'gateway_failed' ? 1 : 0) : 0,
      ...(cancellation === undefined ? {} : { cancellation }),
    };
  }
  checkout = effects.reduce(applyEffect, checkout);
  const timers = [...checkout.timers.filter((t) => !timersCancelled.some((c) => sameTimer(c, t))), ...timersSet];
  return { ...checkout, timers, outbox: { ...checkout.outbox, [inputId]: effects } };
}

/** Every line committed, the order confirmed and the authorization captured: the checkout succeeded. */
export function isCompleted(checkout: Checkout): boolean {
  const { payment } = checkout;
  return (
    checkout.order === 'confirmed' &&
    Object.values(checkout.lines).every((s) => s === 'committed') &&
    payment.status === 'authorized' &&
    payment.captured >= payment.authorized
  );
}

/** Cancelled and nothing left to give back: no stock held or sold, no money held or taken. */
export function isSettled(checkout: Checkout): boolean {
  const { payment } = checkout;
  const held = Object.values(checkout.lines).some((s) => s === 'reserved' || s === 'committed');
  const money =
    payment.status === 'requested' ||
    (payment.status === 'authorized' && (uncapturedOf(payment) > 0 || payment.captured > payment.refunded));
  return checkout.order === 'cancelled' && !held && !money;
}

export function uncapturedOf(payment: CheckoutPayment): number {
  return Math.max(0, payment.authorized - payment.captured - payment.voided);
}
