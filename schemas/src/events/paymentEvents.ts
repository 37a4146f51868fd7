import { z } from 'zod';
import { PositiveMoney } from '../common/money.js';
import { DeclineReason } from '../common/reasons.js';
import { boundedText, OrderId, PaymentMethodToken, RequestId } from '../common/scalars.js';
import { defineEvent } from './defineEvent.js';

/** Ledger events name the request that caused them: the gateway call is idempotent on it, and so is the decider. */
const entry = { orderId: OrderId, requestId: RequestId, amount: PositiveMoney };

export const PaymentRequested = defineEvent('PaymentRequested', { ...entry, paymentMethodToken: PaymentMethodToken });
export type PaymentRequested = z.infer<typeof PaymentRequested>;

/** `requestId` is the authorization request's. */
export const PaymentAuthorized = defineEvent('PaymentAuthorized', { ...entry, gatewayReference: boundedText(200).optional() });
export type PaymentAuthorized = z.infer<typeof PaymentAuthorized>;

export const PaymentDeclined = defineEvent('PaymentDeclined', {
  orderId: OrderId,
  requestId: RequestId,
  reason: DeclineReason,
  detail: boundedText(500).optional(),
});
export type PaymentDeclined = z.infer<typeof PaymentDeclined>;

export const PaymentCaptured = defineEvent('PaymentCaptured', entry);
export type PaymentCaptured = z.infer<typeof PaymentCaptured>;

export const PaymentVoided = defineEvent('PaymentVoided', entry);
export type PaymentVoided = z.infer<typeof PaymentVoided>;

export const PaymentRefunded = defineEvent('PaymentRefunded', entry);
export type PaymentRefunded = z.infer<typeof PaymentRefunded>;

/** Every event of the `payment-<orderId>` stream. */
export const PaymentEvent = z.discriminatedUnion('type', [
  PaymentRequested,
  PaymentAuthorized,
  PaymentDeclined,
  PaymentCaptured,
  PaymentVoided,
  PaymentRefunded,
]);
export type PaymentEvent = z.infer<typeof PaymentEvent>;
