import { z } from 'zod';
import { CurrencyCode, Money } from '../common/money.js';
import { CancellationReason, CancelledBy, DeclineReason } from '../common/reasons.js';
import { boundedText, CustomerId, OrderId, Sku, Timestamp } from '../common/scalars.js';

export const OrderStatus = z.enum(['placed', 'confirmed', 'shipped', 'delivered', 'cancelled']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const PaymentStatus = z.enum([
  'none',
  'requested',
  'authorized',
  'declined',
  'captured',
  'voided',
  'refunded',
  'partially_refunded',
]);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/** One entry of an order's timeline; `public` entries are shown to the customer, `internal` ones to admins only. */
export const TimelineEntry = z.strictObject({
  at: Timestamp,
  /** The event type that produced the entry. */
  type: z.string(),
  visibility: z.enum(['public', 'internal']),
  /** One line in plain words, e.g. "Payment of 59.98 EUR authorized". */
  title: z.string(),
  /** The event's global position: entries are ordered and deduplicated by it. */
  position: z.string(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/**
 * The order history read model (MongoDB collection `order_history`, or PostgreSQL JSONB in the embedded topology):
 * one document per order. `lastPosition` is the position of the last event applied: an update whose position is not
 * past it changes nothing (replayed batches are no-ops).
 */
export const OrderHistoryDocument = z.strictObject({
  orderId: OrderId,
  customerId: CustomerId,
  status: OrderStatus,
  placedAt: Timestamp,
  updatedAt: Timestamp,
  lines: z.array(z.strictObject({ sku: Sku, name: boundedText(200), quantity: z.int().positive(), unitPrice: Money, lineTotal: Money })),
  total: Money,
  currency: CurrencyCode,
  payment: z.strictObject({
    status: PaymentStatus,
    authorized: z.int().nonnegative(),
    captured: z.int().nonnegative(),
    refunded: z.int().nonnegative(),
    declineReason: DeclineReason.optional(),
  }),
  cancellation: z.strictObject({ reason: CancellationReason, detail: z.string().optional(), by: CancelledBy, at: Timestamp }).optional(),
  shipment: z.strictObject({ carrier: z.string().optional(), trackingNumber: z.string().optional(), at: Timestamp }).optional(),
  deliveredAt: Timestamp.optional(),
  timeline: z.array(TimelineEntry),
  lastPosition: z.string(),
});
export type OrderHistoryDocument = z.infer<typeof OrderHistoryDocument>;
