import { z } from 'zod';
import { Address } from '../common/address.js';
import { CurrencyCode, Money, PositiveMoney } from '../common/money.js';
import { Quantity } from '../common/quantity.js';
import { CancellationReason, CancelledBy } from '../common/reasons.js';
import { boundedText, CustomerId, OrderId, PaymentMethodToken, RequestId, Sku } from '../common/scalars.js';
import { defineEvent } from './defineEvent.js';

/** A line as priced at placement: name and unit price are copied from the SKU then, not looked up later. */
export const OrderLine = z.strictObject({ sku: Sku, name: boundedText(200), quantity: Quantity, unitPrice: Money });
export type OrderLine = z.infer<typeof OrderLine>;

/** Schema version 2; version 1 is upcast by `upcast` (see `legacy/orderPlacedV1.ts`). */
export const OrderPlaced = defineEvent('OrderPlaced', {
  orderId: OrderId,
  customerId: CustomerId,
  lines: z.array(OrderLine).min(1).max(50),
  total: Money,
  currency: CurrencyCode,
  shippingAddress: Address,
  paymentMethodToken: PaymentMethodToken,
});
export type OrderPlaced = z.infer<typeof OrderPlaced>;

export const OrderConfirmed = defineEvent('OrderConfirmed', { orderId: OrderId });
export type OrderConfirmed = z.infer<typeof OrderConfirmed>;

export const OrderCancelled = defineEvent('OrderCancelled', {
  orderId: OrderId,
  reason: CancellationReason,
  detail: boundedText(500).optional(),
  by: CancelledBy,
});
export type OrderCancelled = z.infer<typeof OrderCancelled>;

export const OrderShipped = defineEvent('OrderShipped', {
  orderId: OrderId,
  carrier: boundedText(100).optional(),
  trackingNumber: boundedText(100).optional(),
});
export type OrderShipped = z.infer<typeof OrderShipped>;

export const OrderDelivered = defineEvent('OrderDelivered', { orderId: OrderId });
export type OrderDelivered = z.infer<typeof OrderDelivered>;

/** `refundId` becomes the payment ledger's request id for the matching `RefundPayment`. */
export const OrderRefunded = defineEvent('OrderRefunded', {
  orderId: OrderId,
  refundId: RequestId,
  amount: PositiveMoney,
  reason: boundedText(500).optional(),
});
export type OrderRefunded = z.infer<typeof OrderRefunded>;

/** Every event of the `order-<orderId>` stream. */
export const OrderEvent = z.discriminatedUnion('type', [
  OrderPlaced,
  OrderConfirmed,
  OrderCancelled,
  OrderShipped,
  OrderDelivered,
  OrderRefunded,
]);
export type OrderEvent = z.infer<typeof OrderEvent>;
