import { z } from 'zod';
import { Address } from '../../common/address.js';
import { CurrencyCode, MinorUnits } from '../../common/money.js';
import { Quantity } from '../../common/quantity.js';
import { CustomerId, OrderId, PaymentMethodToken, Sku } from '../../common/scalars.js';
import type { OrderPlaced } from '../orderEvents.js';

/** OrderPlaced as first written: bare minor-unit numbers, one currency for all, and no line names. */
export const OrderPlacedV1Data = z.object({
  orderId: OrderId,
  customerId: CustomerId,
  lines: z
    .array(z.object({ sku: Sku, quantity: Quantity, unitPrice: MinorUnits }))
    .min(1)
    .max(50),
  amount: MinorUnits,
  currency: CurrencyCode,
  shippingAddress: Address,
  paymentMethodToken: PaymentMethodToken,
});
export type OrderPlacedV1Data = z.infer<typeof OrderPlacedV1Data>;

/**
 * v1 → v2: amounts become Money in the order's currency. v1 recorded no product names and the name at placement
 * cannot be recovered from the SKU's stream reliably, so the SKU stands in for the name.
 */
export function upcastOrderPlacedV1(data: unknown): OrderPlaced['data'] {
  const v1 = OrderPlacedV1Data.parse(data);
  const money = (amount: number) => ({ amount, currency: v1.currency });
  return {
    orderId: v1.orderId,
    customerId: v1.customerId,
    lines: v1.lines.map((line) => ({ sku: line.sku, name: line.sku, quantity: line.quantity, unitPrice: money(line.unitPrice) })),
    total: money(v1.amount),
    currency: v1.currency,
    shippingAddress: v1.shippingAddress,
    paymentMethodToken: v1.paymentMethodToken,
  };
}
