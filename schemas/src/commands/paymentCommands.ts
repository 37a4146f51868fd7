import { z } from 'zod';
import { PositiveMoney } from '../common/money.js';
import { DeclineReason } from '../common/reasons.js';
import { boundedText, OrderId, PaymentMethodToken, RequestId } from '../common/scalars.js';
import { defineCommand } from './defineCommand.js';

/** Every payment command names its request: repeating a request id repeats nothing. */
const request = { orderId: OrderId, requestId: RequestId };

export const RequestPaymentAuthorization = defineCommand('RequestPaymentAuthorization', {
  ...request,
  amount: PositiveMoney,
  paymentMethodToken: PaymentMethodToken,
});
export type RequestPaymentAuthorization = z.infer<typeof RequestPaymentAuthorization>;

/** The gateway's answer to the authorization request `requestId`. */
export const RecordPaymentAuthorized = defineCommand('RecordPaymentAuthorized', {
  ...request,
  amount: PositiveMoney,
  gatewayReference: boundedText(200).optional(),
});
export type RecordPaymentAuthorized = z.infer<typeof RecordPaymentAuthorized>;

export const RecordPaymentDeclined = defineCommand('RecordPaymentDeclined', {
  ...request,
  reason: DeclineReason,
  detail: boundedText(500).optional(),
});
export type RecordPaymentDeclined = z.infer<typeof RecordPaymentDeclined>;

export const CapturePayment = defineCommand('CapturePayment', { ...request, amount: PositiveMoney });
export type CapturePayment = z.infer<typeof CapturePayment>;

/** Without `amount`, voids all that is authorized and not yet captured or voided. */
export const VoidPayment = defineCommand('VoidPayment', { ...request, amount: PositiveMoney.optional() });
export type VoidPayment = z.infer<typeof VoidPayment>;

export const RefundPayment = defineCommand('RefundPayment', { ...request, amount: PositiveMoney });
export type RefundPayment = z.infer<typeof RefundPayment>;

export const PaymentCommand = z.discriminatedUnion('type', [
  RequestPaymentAuthorization,
  RecordPaymentAuthorized,
  RecordPaymentDeclined,
  CapturePayment,
  VoidPayment,
  RefundPayment,
]);
export type PaymentCommand = z.infer<typeof PaymentCommand>;
