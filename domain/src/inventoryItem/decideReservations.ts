import type {
  CommitReservation,
  ExpireReservations,
  InventoryItemEvent,
  RejectionReason,
  ReleaseReservation,
  ReserveStock,
} from '@orderflow/schemas';
import { InvalidCommand } from '../shared/domainError.js';
import { assertPositiveInteger } from '../shared/guards.js';
import { isAtOrBefore, toEpochMillis } from '../shared/timestamp.js';
import { availableStock, type InventoryItemState, type RegisteredItem } from './inventoryItem.js';
import {
  ReservationAlreadyCommitted,
  ReservationConflict,
  ReservationNotFound,
  ReservationNotLive,
  SkuNotRegistered,
} from './inventoryItemErrors.js';

/** The most this customer could reserve for one order now, and the first limit the request breaks, if any. */
function assess(item: RegisteredItem, customerId: string, quantity: number): { available: number; reason?: RejectionReason } {
  const stock = availableStock(item);
  const customerRemaining = item.perCustomerLimit - (item.heldByCustomer[customerId] ?? 0);
  const orderLimit = item.perOrderLimit ?? Number.MAX_SAFE_INTEGER;
  const available = Math.max(0, Math.min(stock, customerRemaining, orderLimit));
  if (quantity > orderLimit) return { available, reason: 'order_limit' };
  if (quantity > customerRemaining) return { available, reason: 'customer_limit' };
  if (quantity > stock) return { available, reason: 'insufficient_stock' };
  return { available };
}

/**
 * All or nothing. A refusal is an event (`ReservationRejected`, with the reason and what is available), not an
 * error: the checkout saga reacts to it. A second request for the same order is answered by the first one.
 */
export function reserveStock({ data, metadata }: ReserveStock, state: InventoryItemState): InventoryItemEvent[] {
  const { sku, orderId, customerId, quantity, expiresAt } = data;
  assertPositiveInteger('quantity', quantity);
  if (toEpochMillis(expiresAt, 'expiresAt') <= toEpochMillis(metadata.now, 'now'))
    throw new InvalidCommand('expiresAt', 'must lie after now');
  const previous = state.reservations[orderId];
  if (previous !== undefined) {
    if (previous.customerId !== customerId || previous.quantity !== quantity) throw new ReservationConflict(sku, orderId);
    return [];
  }
  const reject = (reason: RejectionReason, available: number): InventoryItemEvent[] => [
    { type: 'ReservationRejected', data: { sku, orderId, customerId, requested: quantity, reason, available } },
  ];
  if (state.status === 'unregistered') return reject('unknown_sku', 0);
  const { available, reason } = assess(state, customerId, quantity);
  if (reason !== undefined) return reject(reason, available);
  return [{ type: 'StockReserved', data: { sku, orderId, customerId, quantity, expiresAt } }];
}

/** Turns a live reservation into a sale. Its expiry is a deadline even when the expiry timer has not fired yet. */
export function commitReservation({ data, metadata }: CommitReservation, state: InventoryItemState): InventoryItemEvent[] {
  const { sku, orderId } = data;
  if (state.status === 'unregistered') throw new SkuNotRegistered(sku);
  const record = state.reservations[orderId];
  if (record === undefined) throw new ReservationNotFound(sku, orderId);
  switch (record.status) {
    case 'committed':
      return [];
    case 'live':
      if (isAtOrBefore(record.expiresAt, metadata.now)) throw new ReservationNotLive(sku, orderId, 'expired');
      return [{ type: 'ReservationCommitted', data: { sku, orderId, customerId: record.customerId, quantity: record.quantity } }];
    default:
      throw new ReservationNotLive(sku, orderId, record.status);
  }
}

/** Gives a live reservation's units back; releasing what already ended (or was never granted) is a no-op. */
export function releaseReservation({ data }: ReleaseReservation, state: InventoryItemState): InventoryItemEvent[] {
  const { sku, orderId, reason } = data;
  const record = state.reservations[orderId];
  if (record === undefined) throw new ReservationNotFound(sku, orderId);
  switch (record.status) {
    case 'live':
      return [{ type: 'ReservationReleased', data: { sku, orderId, customerId: record.customerId, quantity: record.quantity, reason } }];
    case 'committed':
      throw new ReservationAlreadyCommitted(sku, orderId);
    default:
      return [];
  }
}

/** Every live reservation whose `expiresAt` is at or before `now` expires; none due means no events. */
export function expireReservations({ data, metadata }: ExpireReservations, state: InventoryItemState): InventoryItemEvent[] {
  const now = toEpochMillis(metadata.now, 'now');
  return Object.entries(state.reservations).flatMap(([orderId, record]): InventoryItemEvent[] =>
    record.status === 'live' && toEpochMillis(record.expiresAt) <= now
      ? [
          {
            type: 'ReservationExpired',
            data: { sku: data.sku, orderId, customerId: record.customerId, quantity: record.quantity, expiresAt: record.expiresAt },
          },
        ]
      : [],
  );
}
