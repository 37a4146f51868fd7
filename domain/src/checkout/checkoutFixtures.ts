import type { CheckoutEvent, CheckoutInput, CheckoutPolicy, CheckoutTimer, HandleCheckoutInput, Money } from '@orderflow/schemas';
import { commandMetadata, minutesAfterT0, t0 } from '../testing/commandMetadata.js';

export const orderId = 'o-1';
export const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
export const total = eur(25_999);
export const token = 'pm_test_visa_4242';

export const policy: CheckoutPolicy = {
  reservationTtlMs: 600_000,
  reservationGraceMs: 60_000,
  paymentTimeoutMs: 120_000,
  settleAfterMs: 30_000,
  retryBaseMs: 1_000,
  retryMaxMs: 30_000,
  maxCaptureAttempts: 3,
};

/** Reservation timer of a checkout started at t0 (10 min), and the reservations' own expiry (11 min). */
export const reservationTimer: CheckoutTimer = { kind: 'reservation', dueAt: minutesAfterT0(10) };
export const reservationExpiresAt = minutesAfterT0(11);
export const paymentTimer: CheckoutTimer = { kind: 'payment', dueAt: '2026-11-21T10:02:00.000Z' };
export const settleTimer: CheckoutTimer = { kind: 'retry', dueAt: '2026-11-21T10:00:30.000Z' };

export const placed: Extract<CheckoutInput, { kind: 'order_placed' }> = {
  kind: 'order_placed',
  customerId: 'c-1',
  // Deliberately out of order: the checkout reserves SKUs sorted.
  lines: [
    { sku: 'SNEAKER-42', quantity: 2 },
    { sku: 'CAP-1', quantity: 1 },
  ],
  total,
  paymentMethodToken: token,
};

let inputs = 0;

/** The command for one input, at t0 unless told otherwise; each gets a fresh input id unless one is given. */
export function input(value: CheckoutInput, options: { inputId?: string; now?: string } = {}): HandleCheckoutInput {
  inputs += 1;
  return {
    type: 'HandleCheckoutInput',
    data: { orderId, inputId: options.inputId ?? `in-${inputs}`, input: value, policy },
    metadata: commandMetadata(options.now === undefined ? {} : { now: options.now }),
  };
}

export const started: CheckoutEvent = {
  type: 'CheckoutStarted',
  data: {
    orderId,
    inputId: 'placed',
    phase: 'reserving',
    effects: [
      { kind: 'reserve', sku: 'CAP-1', customerId: 'c-1', quantity: 1, expiresAt: reservationExpiresAt },
      { kind: 'reserve', sku: 'SNEAKER-42', customerId: 'c-1', quantity: 2, expiresAt: reservationExpiresAt },
    ],
    timersSet: [reservationTimer],
    timersCancelled: [],
    customerId: 'c-1',
    lines: [
      { sku: 'CAP-1', quantity: 1 },
      { sku: 'SNEAKER-42', quantity: 2 },
    ],
    total,
    paymentMethodToken: token,
  },
};

type Step = Omit<Extract<CheckoutEvent, { type: 'CheckoutAdvanced' }>['data'], 'orderId' | 'inputId' | 'input'>;

/** A recorded step, as `given` history. */
export function advanced(inputId: string, value: CheckoutInput, step: Partial<Step> & Pick<Step, 'phase'>): CheckoutEvent {
  return {
    type: 'CheckoutAdvanced',
    data: { orderId, inputId, input: value, effects: [], timersSet: [], timersCancelled: [], ...step },
  };
}

export const history = {
  capReserved: advanced('r-cap', { kind: 'stock_reserved', sku: 'CAP-1' }, { phase: 'reserving' }),
  allReserved: advanced(
    'r-sneaker',
    { kind: 'stock_reserved', sku: 'SNEAKER-42' },
    {
      phase: 'authorizing',
      effects: [
        { kind: 'request_payment', amount: total, paymentMethodToken: token },
        { kind: 'authorize', amount: total, paymentMethodToken: token },
      ],
      timersSet: [paymentTimer],
    },
  ),
  authorized: advanced(
    'auth',
    { kind: 'payment_authorized', amount: total, gatewayReference: 'auth_1' },
    { phase: 'completing', timersSet: [settleTimer], timersCancelled: [reservationTimer, paymentTimer] },
  ),
};

export { t0 };
