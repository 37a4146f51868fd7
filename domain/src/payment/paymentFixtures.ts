import type { DeclineReason, PaymentCommand, PaymentEvent } from '@orderflow/schemas';
import { commandMetadata } from '../testing/commandMetadata.js';

export const orderId = 'o-1';
const paymentMethodToken = 'pm_test_visa_4242';
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const entry = (requestId: string, amount: number) => ({ orderId, requestId, amount: eur(amount) });

/** A 100.00 EUR authorization requested as `auth-1`. */
export const events = {
  requested: { type: 'PaymentRequested', data: { ...entry('auth-1', 10_000), paymentMethodToken } },
  authorized: { type: 'PaymentAuthorized', data: entry('auth-1', 10_000) },
  declined: { type: 'PaymentDeclined', data: { orderId, requestId: 'auth-1', reason: 'insufficient_funds' } },
  captured: (requestId: string, amount: number): PaymentEvent => ({ type: 'PaymentCaptured', data: entry(requestId, amount) }),
  voided: (requestId: string, amount: number): PaymentEvent => ({ type: 'PaymentVoided', data: entry(requestId, amount) }),
  refunded: (requestId: string, amount: number): PaymentEvent => ({ type: 'PaymentRefunded', data: entry(requestId, amount) }),
} satisfies Record<string, PaymentEvent | ((...args: never[]) => PaymentEvent)>;

const metadata = commandMetadata;

export const commands = {
  request: (requestId = 'auth-1', amount = 10_000): PaymentCommand => ({
    type: 'RequestPaymentAuthorization',
    data: { ...entry(requestId, amount), paymentMethodToken },
    metadata: metadata(),
  }),
  authorized: (requestId = 'auth-1', amount = 10_000): PaymentCommand => ({
    type: 'RecordPaymentAuthorized',
    data: entry(requestId, amount),
    metadata: metadata(),
  }),
  declined: (requestId = 'auth-1', reason: DeclineReason = 'insufficient_funds'): PaymentCommand => ({
    type: 'RecordPaymentDeclined',
    data: { orderId, requestId, reason },
    metadata: metadata(),
  }),
  capture: (requestId: string, amount: number, currency = 'EUR'): PaymentCommand => ({
    type: 'CapturePayment',
    data: { orderId, requestId, amount: { amount, currency } },
    metadata: metadata(),
  }),
  void: (requestId: string, amount?: number): PaymentCommand => ({
    type: 'VoidPayment',
    data: { orderId, requestId, ...(amount === undefined ? {} : { amount: eur(amount) }) },
    metadata: metadata(),
  }),
  refund: (requestId: string, amount: number): PaymentCommand => ({
    type: 'RefundPayment',
    data: entry(requestId, amount),
    metadata: metadata(),
  }),
};
