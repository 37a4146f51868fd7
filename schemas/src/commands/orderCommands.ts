import { z } from 'zod';
import { Address } from '../common/address.js';
import { CurrencyCode, PositiveMoney, Money } from '../common/money.js';
import { CancellationReason } from '../common/reasons.js';
import { boundedText, CustomerId, OrderId, PaymentMethodToken, RequestId } from '../common/scalars.js';
import { OrderLine } from '../events/orderEvents.js';
import { defineCommand } from './defineCommand.js';

/** Lines arrive priced: the handler copies name and unit price from each SKU at placement. */
export const PlaceOrder = defineCommand('PlaceOrder', {
  orderId: OrderId,
  customerId: CustomerId,
  lines: z.array(OrderLine).min(1).max(50),
  currency: CurrencyCode,
  shippingAddress: Address,
  paymentMethodToken: PaymentMethodToken,
});
export type PlaceOrder = z.infer<typeof PlaceOrder>;

export const ConfirmOrder = defineCommand('ConfirmOrder', { orderId: OrderId });
export type ConfirmOrder = z.infer<typeof ConfirmOrder>;

/** Who cancels comes from the metadata's actor. */
export const CancelOrder = defineCommand('CancelOrder', {
  orderId: OrderId,
  reason: CancellationReason,
  detail: boundedText(500).optional(),
});
export type CancelOrder = z.infer<typeof CancelOrder>;

export const ShipOrder = defineCommand('ShipOrder', {
  orderId: OrderId,
  carrier: boundedText(100).optional(),
  trackingNumber: boundedText(100).optional(),
});
export type ShipOrder = z.infer<typeof ShipOrder>;

export const DeliverOrder = defineCommand('DeliverOrder', { orderId: OrderId });
export type DeliverOrder = z.infer<typeof DeliverOrder>;

/**
 * `captured`: the total the payment ledger (`payment-<orderId>`) has captured, read by the handler when it loads
 * the order. The order subtracts what it has refunded itself; the Payment decider checks its own ledger again.
 */
export const RefundOrder = defineCommand('RefundOrder', {
  orderId: OrderId,
  refundId: RequestId,
  amount: PositiveMoney,
  captured: Money,
  reason: boundedText(500).optional(),
});
export type RefundOrder = z.infer<typeof RefundOrder>;

export const OrderCommand = z.discriminatedUnion('type', [PlaceOrder, ConfirmOrder, CancelOrder, ShipOrder, DeliverOrder, RefundOrder]);
export type OrderCommand = z.infer<typeof OrderCommand>;
