import type { CatalogItem } from '@orderflow/schemas';
import type { ProjectedEvent } from '../projectedEvent.js';

/** A SKU's row of the stock & catalog read model, as the projector folds it. */
export interface StockRow {
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: number;
  readonly currency: string;
  readonly perCustomerLimit: number;
  readonly perOrderLimit: number | null;
  readonly onHand: number;
  /** Units in live reservations. */
  readonly reserved: number;
  /** Units in committed reservations. */
  readonly sold: number;
  readonly updatedAt: string;
  /** Position of the last event applied: an event at or before it changes nothing. */
  readonly lastPosition: string;
}

export type InventoryEvent = ProjectedEvent<
  | 'SkuRegistered'
  | 'SkuPriceChanged'
  | 'SkuLimitsChanged'
  | 'StockReceived'
  | 'StockAdjusted'
  | 'StockReserved'
  | 'ReservationRejected'
  | 'ReservationCommitted'
  | 'ReservationReleased'
  | 'ReservationExpired'
>;

/**
 * The numbers of the InventoryItem decider (domain/src/inventoryItem/inventoryItem.ts): a commit takes the units out
 * of stock and out of the live reservations, a release or an expiry gives them back to what is available, a rejection
 * changes nothing. Events of a SKU nobody registered change nothing either.
 */
export function evolveStock(row: StockRow | undefined, event: InventoryEvent): StockRow | undefined {
  if (row !== undefined && event.position <= row.lastPosition) return row;
  const touched = { updatedAt: event.occurredAt, lastPosition: event.position };
  if (row === undefined) {
    if (event.type !== 'SkuRegistered') return undefined;
    const { sku, name, unitPrice, perCustomerLimit, perOrderLimit } = event.data;
    const price = { unitPrice: unitPrice.amount, currency: unitPrice.currency };
    return { sku, name, ...price, perCustomerLimit, perOrderLimit, onHand: 0, reserved: 0, sold: 0, ...touched };
  }
  switch (event.type) {
    case 'SkuRegistered':
    case 'ReservationRejected':
      return row;
    case 'SkuPriceChanged':
      return { ...row, unitPrice: event.data.unitPrice.amount, currency: event.data.unitPrice.currency, ...touched };
    case 'SkuLimitsChanged':
      return { ...row, perCustomerLimit: event.data.perCustomerLimit, perOrderLimit: event.data.perOrderLimit, ...touched };
    case 'StockReceived':
      return { ...row, onHand: row.onHand + event.data.quantity, ...touched };
    case 'StockAdjusted':
      return { ...row, onHand: row.onHand + event.data.delta, ...touched };
    case 'StockReserved':
      return { ...row, reserved: row.reserved + event.data.quantity, ...touched };
    case 'ReservationCommitted': {
      const { quantity } = event.data;
      return { ...row, onHand: row.onHand - quantity, reserved: row.reserved - quantity, sold: row.sold + quantity, ...touched };
    }
    case 'ReservationReleased':
    case 'ReservationExpired':
      return { ...row, reserved: row.reserved - event.data.quantity, ...touched };
  }
}

/** The row as the query API serves it. */
export function toCatalogItem(row: StockRow): CatalogItem {
  return {
    sku: row.sku,
    name: row.name,
    unitPrice: { amount: row.unitPrice, currency: row.currency },
    perCustomerLimit: row.perCustomerLimit,
    perOrderLimit: row.perOrderLimit,
    onHand: row.onHand,
    reserved: row.reserved,
    available: Math.max(0, row.onHand - row.reserved),
    sold: row.sold,
    updatedAt: row.updatedAt,
  };
}
