import { z } from 'zod';
import { Money } from '../common/money.js';
import { Quantity, StockDelta, StockQuantity } from '../common/quantity.js';
import { CancellationReason, StockAdjustmentReason } from '../common/reasons.js';
import { boundedText, CustomerId, OrderId, Sku, Timestamp } from '../common/scalars.js';
import { defineCommand } from './defineCommand.js';

export const RegisterSku = defineCommand('RegisterSku', {
  sku: Sku,
  name: boundedText(200),
  unitPrice: Money,
  perCustomerLimit: Quantity,
  perOrderLimit: Quantity.optional(),
});
export type RegisterSku = z.infer<typeof RegisterSku>;

/** One command for a PATCH, so price and limits change in one append; `perOrderLimit: null` removes that limit. */
export const ChangeSku = defineCommand('ChangeSku', {
  sku: Sku,
  unitPrice: Money.optional(),
  perCustomerLimit: Quantity.optional(),
  perOrderLimit: Quantity.nullable().optional(),
});
export type ChangeSku = z.infer<typeof ChangeSku>;

export const ReceiveStock = defineCommand('ReceiveStock', { sku: Sku, quantity: StockQuantity });
export type ReceiveStock = z.infer<typeof ReceiveStock>;

export const AdjustStock = defineCommand('AdjustStock', {
  sku: Sku,
  delta: StockDelta,
  reason: StockAdjustmentReason,
  note: boundedText(500).optional(),
});
export type AdjustStock = z.infer<typeof AdjustStock>;

/** Issued by the checkout saga for one line of an order; `expiresAt` must lie after the metadata's `now`. */
export const ReserveStock = defineCommand('ReserveStock', {
  sku: Sku,
  orderId: OrderId,
  customerId: CustomerId,
  quantity: Quantity,
  expiresAt: Timestamp,
});
export type ReserveStock = z.infer<typeof ReserveStock>;

export const CommitReservation = defineCommand('CommitReservation', { sku: Sku, orderId: OrderId });
export type CommitReservation = z.infer<typeof CommitReservation>;

export const ReleaseReservation = defineCommand('ReleaseReservation', { sku: Sku, orderId: OrderId, reason: CancellationReason });
export type ReleaseReservation = z.infer<typeof ReleaseReservation>;

/** Expires every live reservation of the SKU whose `expiresAt` is at or before the metadata's `now`. */
export const ExpireReservations = defineCommand('ExpireReservations', { sku: Sku });
export type ExpireReservations = z.infer<typeof ExpireReservations>;

export const InventoryItemCommand = z.discriminatedUnion('type', [
  RegisterSku,
  ChangeSku,
  ReceiveStock,
  AdjustStock,
  ReserveStock,
  CommitReservation,
  ReleaseReservation,
  ExpireReservations,
]);
export type InventoryItemCommand = z.infer<typeof InventoryItemCommand>;
