import { z } from 'zod';
import { Money } from '../common/money.js';
import { Quantity, StockDelta, StockQuantity } from '../common/quantity.js';
import { CancellationReason, RejectionReason, StockAdjustmentReason } from '../common/reasons.js';
import { boundedText, CustomerId, OrderId, Sku, Timestamp } from '../common/scalars.js';
import { defineEvent } from './defineEvent.js';

const limits = { perCustomerLimit: Quantity, perOrderLimit: Quantity.nullable() };

export const SkuRegistered = defineEvent('SkuRegistered', { sku: Sku, name: boundedText(200), unitPrice: Money, ...limits });
export type SkuRegistered = z.infer<typeof SkuRegistered>;

export const SkuPriceChanged = defineEvent('SkuPriceChanged', { sku: Sku, unitPrice: Money });
export type SkuPriceChanged = z.infer<typeof SkuPriceChanged>;

/** Carries both limits as they are after the change; `perOrderLimit: null` means none. */
export const SkuLimitsChanged = defineEvent('SkuLimitsChanged', { sku: Sku, ...limits });
export type SkuLimitsChanged = z.infer<typeof SkuLimitsChanged>;

export const StockReceived = defineEvent('StockReceived', { sku: Sku, quantity: StockQuantity });
export type StockReceived = z.infer<typeof StockReceived>;

export const StockAdjusted = defineEvent('StockAdjusted', {
  sku: Sku,
  delta: StockDelta,
  reason: StockAdjustmentReason,
  note: boundedText(500).optional(),
});
export type StockAdjusted = z.infer<typeof StockAdjusted>;

const reservation = { sku: Sku, orderId: OrderId, customerId: CustomerId, quantity: Quantity };

export const StockReserved = defineEvent('StockReserved', { ...reservation, expiresAt: Timestamp });
export type StockReserved = z.infer<typeof StockReserved>;

/** `available`: the most this order could have reserved at that moment, under every limit and the stock. */
export const ReservationRejected = defineEvent('ReservationRejected', {
  sku: Sku,
  orderId: OrderId,
  customerId: CustomerId,
  requested: Quantity,
  reason: RejectionReason,
  available: z.int().min(0),
});
export type ReservationRejected = z.infer<typeof ReservationRejected>;

export const ReservationCommitted = defineEvent('ReservationCommitted', reservation);
export type ReservationCommitted = z.infer<typeof ReservationCommitted>;

export const ReservationReleased = defineEvent('ReservationReleased', { ...reservation, reason: CancellationReason });
export type ReservationReleased = z.infer<typeof ReservationReleased>;

export const ReservationExpired = defineEvent('ReservationExpired', { ...reservation, expiresAt: Timestamp });
export type ReservationExpired = z.infer<typeof ReservationExpired>;

/** Every event of the `inventory-<sku>` stream. */
export const InventoryItemEvent = z.discriminatedUnion('type', [
  SkuRegistered,
  SkuPriceChanged,
  SkuLimitsChanged,
  StockReceived,
  StockAdjusted,
  StockReserved,
  ReservationRejected,
  ReservationCommitted,
  ReservationReleased,
  ReservationExpired,
]);
export type InventoryItemEvent = z.infer<typeof InventoryItemEvent>;
