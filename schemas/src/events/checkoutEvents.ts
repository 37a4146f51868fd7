import { z } from 'zod';
import { Money, PositiveMoney } from '../common/money.js';
import { Quantity } from '../common/quantity.js';
import { CancellationReason, CancelledBy, DeclineReason, RejectionReason } from '../common/reasons.js';
import { boundedText, CustomerId, Id, OrderId, PaymentMethodToken, RequestId, Sku, Timestamp } from '../common/scalars.js';
import { defineEvent } from './defineEvent.js';

/** Where a checkout stands. `completed` and `cancelled` are final; `attention` waits for an operator. */
export const CheckoutPhase = z.enum(['reserving', 'authorizing', 'completing', 'completed', 'compensating', 'cancelled', 'attention']);
export type CheckoutPhase = z.infer<typeof CheckoutPhase>;

/** Durable timers of a checkout: the reservation's expiry, the payment's deadline, and a retry of what is pending. */
export const CheckoutTimerKind = z.enum(['reservation', 'payment', 'retry']);
export type CheckoutTimerKind = z.infer<typeof CheckoutTimerKind>;

export const CheckoutTimer = z.object({ kind: CheckoutTimerKind, dueAt: Timestamp });
export type CheckoutTimer = z.infer<typeof CheckoutTimer>;

export const GatewayOperationName = z.enum(['authorize', 'capture', 'void', 'refund']);

const input = <const Kind extends string, const Shape extends z.ZodRawShape>(kind: Kind, shape: Shape) =>
  z.object({ kind: z.literal(kind), ...shape });

/** What the checkout reacted to (its inbox): a fact from an order, inventory or payment stream, a timer, a gateway failure. */
export const CheckoutInput = z.discriminatedUnion('kind', [
  input('order_placed', {
    customerId: CustomerId,
    lines: z
      .array(z.object({ sku: Sku, quantity: Quantity }))
      .min(1)
      .max(50),
    total: Money,
    paymentMethodToken: PaymentMethodToken,
  }),
  input('order_confirmed', {}),
  input('order_cancelled', { reason: CancellationReason, by: CancelledBy }),
  /** A refund of a confirmed order (the API's RefundOrder): moved at the gateway under its `refundId`. */
  input('order_refunded', { refundId: RequestId, amount: PositiveMoney }),
  input('stock_reserved', { sku: Sku }),
  input('reservation_rejected', { sku: Sku, reason: RejectionReason, requested: Quantity, available: z.int().min(0) }),
  input('reservation_committed', { sku: Sku }),
  input('reservation_released', { sku: Sku }),
  input('payment_authorized', { amount: PositiveMoney, gatewayReference: boundedText(200).optional() }),
  input('payment_declined', { reason: DeclineReason }),
  input('payment_captured', { amount: PositiveMoney }),
  input('payment_voided', { amount: PositiveMoney }),
  input('payment_refunded', { amount: PositiveMoney, requestId: RequestId.optional() }),
  input('timer_fired', { timer: CheckoutTimer }),
  input('gateway_failed', { operation: GatewayOperationName, outcome: z.enum(['unavailable', 'declined']), detail: boundedText(500) }),
  input('operator_retry', {}),
]);
export type CheckoutInput = z.infer<typeof CheckoutInput>;

const effect = input;

/** What the checkout issued in reaction (its outbox); each effect's command id derives from the order and `kind`/`sku`. */
export const CheckoutEffect = z.discriminatedUnion('kind', [
  effect('reserve', { sku: Sku, customerId: CustomerId, quantity: Quantity, expiresAt: Timestamp }),
  effect('release', { sku: Sku, reason: CancellationReason }),
  effect('commit', { sku: Sku }),
  effect('return_stock', { sku: Sku, quantity: Quantity }),
  effect('confirm_order', {}),
  effect('cancel_order', { reason: CancellationReason, detail: boundedText(500).optional() }),
  effect('request_payment', { amount: PositiveMoney, paymentMethodToken: PaymentMethodToken }),
  effect('authorize', { amount: PositiveMoney, paymentMethodToken: PaymentMethodToken }),
  effect('capture', { amount: PositiveMoney, gatewayReference: boundedText(200).optional() }),
  effect('void', { amount: PositiveMoney, gatewayReference: boundedText(200).optional() }),
  /** `requestId` names the refund in the payment ledger and at the gateway (absent in steps recorded before it: `refund`). */
  effect('refund', { amount: PositiveMoney, gatewayReference: boundedText(200).optional(), requestId: RequestId.optional() }),
  /** Gives up an authorization whose outcome never came back: a best-effort void at the gateway, then a recorded decline. */
  effect('abandon_payment', { amount: PositiveMoney, detail: boundedText(500) }),
]);
export type CheckoutEffect = z.infer<typeof CheckoutEffect>;

/** One step of the process: the input reacted to, the phase after it, the effects issued and the timers changed. */
const step = {
  orderId: OrderId,
  inputId: Id,
  phase: CheckoutPhase,
  effects: z.array(CheckoutEffect),
  timersSet: z.array(CheckoutTimer),
  timersCancelled: z.array(CheckoutTimer),
};

/** The first step, on OrderPlaced: what was ordered, fixed for the whole checkout. */
export const CheckoutStarted = defineEvent('CheckoutStarted', {
  ...step,
  customerId: CustomerId,
  lines: z
    .array(z.object({ sku: Sku, quantity: Quantity }))
    .min(1)
    .max(50),
  total: Money,
  paymentMethodToken: PaymentMethodToken,
});
export type CheckoutStarted = z.infer<typeof CheckoutStarted>;

/** Every later step; `cancellation` is set on the step that decided to compensate. */
export const CheckoutAdvanced = defineEvent('CheckoutAdvanced', {
  ...step,
  input: CheckoutInput,
  cancellation: z.object({ reason: CancellationReason, detail: boundedText(500).optional() }).optional(),
});
export type CheckoutAdvanced = z.infer<typeof CheckoutAdvanced>;

/** Every event of the `checkout-<orderId>` stream. */
export const CheckoutEvent = z.discriminatedUnion('type', [CheckoutStarted, CheckoutAdvanced]);
export type CheckoutEvent = z.infer<typeof CheckoutEvent>;
