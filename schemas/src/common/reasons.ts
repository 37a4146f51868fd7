import { z } from 'zod';

/**
 * Why an order was cancelled, machine-readable. Reservations released on the order's behalf carry the same reason,
 * so a projection can tell a sale lost to a payment timeout from one the customer withdrew.
 */
export const CancellationReason = z.enum([
  'out_of_stock',
  'payment_declined',
  'payment_timeout',
  'customer_request',
  'reservation_expired',
  'operator',
]);
export type CancellationReason = z.infer<typeof CancellationReason>;

/** Who cancelled, from the command's actor. */
export const CancelledBy = z.enum(['customer', 'system', 'admin']);
export type CancelledBy = z.infer<typeof CancelledBy>;

/** Why a reservation could not be made; the first limit that fails wins, in this order of checks. */
export const RejectionReason = z.enum(['unknown_sku', 'order_limit', 'customer_limit', 'insufficient_stock']);
export type RejectionReason = z.infer<typeof RejectionReason>;

export const StockAdjustmentReason = z.enum(['stock_count', 'damaged', 'lost', 'returned', 'correction']);
export type StockAdjustmentReason = z.infer<typeof StockAdjustmentReason>;

export const DeclineReason = z.enum([
  'insufficient_funds',
  'card_declined',
  'expired_card',
  'authentication_required',
  'fraud_suspected',
  'gateway_error',
]);
export type DeclineReason = z.infer<typeof DeclineReason>;
