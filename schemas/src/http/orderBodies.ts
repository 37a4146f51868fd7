import { z } from 'zod';
import { Address } from '../common/address.js';
import { CurrencyCode, Money, PositiveMoney } from '../common/money.js';
import { Quantity } from '../common/quantity.js';
import { CancellationReason } from '../common/reasons.js';
import { boundedText, OrderId, PaymentMethodToken, Sku } from '../common/scalars.js';
import { CommandAcceptedResponse } from './commandAccepted.js';

export const OrderParams = z.strictObject({ id: OrderId });
export type OrderParams = z.infer<typeof OrderParams>;

/** `POST /v1/orders`. The customer is the caller; names and prices come from the catalog, never from the client. */
export const PlaceOrderRequest = z.strictObject({
  lines: z
    .array(z.strictObject({ sku: Sku, quantity: Quantity }))
    .min(1)
    .max(50)
    .refine((lines) => new Set(lines.map((line) => line.sku)).size === lines.length, 'each SKU may appear on one line only'),
  currency: CurrencyCode,
  shippingAddress: Address,
  paymentMethodToken: PaymentMethodToken,
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

export const PlaceOrderResponse = CommandAcceptedResponse.extend({ orderId: OrderId, status: z.literal('placed'), total: Money });
export type PlaceOrderResponse = z.infer<typeof PlaceOrderResponse>;

/** `POST /v1/orders/:id/cancel`. Customers may only give `customer_request` (the default for them). */
export const CancelOrderRequest = z.strictObject({ reason: CancellationReason.optional(), detail: boundedText(500).optional() });
export type CancelOrderRequest = z.infer<typeof CancelOrderRequest>;

/** `POST /v1/orders/:id/ship` (admin). */
export const ShipOrderRequest = z.strictObject({ carrier: boundedText(100).optional(), trackingNumber: boundedText(100).optional() });
export type ShipOrderRequest = z.infer<typeof ShipOrderRequest>;

/** `POST /v1/orders/:id/deliver` (admin): no body members. */
export const DeliverOrderRequest = z.strictObject({});
export type DeliverOrderRequest = z.infer<typeof DeliverOrderRequest>;

/** `POST /v1/orders/:id/refund` (admin): full or partial, never more than captured and not yet refunded. */
export const RefundOrderRequest = z.strictObject({ amount: PositiveMoney, reason: boundedText(500).optional() });
export type RefundOrderRequest = z.infer<typeof RefundOrderRequest>;
