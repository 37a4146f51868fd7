import type { Notification, OrderHistoryDocument, OrderStatus } from '@orderflow/schemas';

const base = Date.parse('2026-11-01T08:00:00.000Z');

/** A position of the PostgreSQL store's shape, for seeded documents. */
export const positionAt = (n: number): string => `${(1000 + n).toString(16).padStart(16, '0')}/${'0'.repeat(16)}`;

/**
 * An order-history document as the projector writes it (schema-valid), placed `minutes` after a fixed instant;
 * equal `minutes` make equal `placedAt` values, the tie a keyset cursor must break by id.
 */
export function orderDocument(
  orderId: string,
  customerId: string,
  minutes: number,
  status: OrderStatus = 'confirmed',
): OrderHistoryDocument {
  const placedAt = new Date(base + minutes * 60_000).toISOString();
  const unitPrice = { amount: 1999, currency: 'EUR' };
  return {
    orderId,
    customerId,
    status,
    placedAt,
    updatedAt: placedAt,
    lines: [{ sku: 'SKU-1', name: 'Widget', quantity: 2, unitPrice, lineTotal: { amount: 3998, currency: 'EUR' } }],
    total: { amount: 3998, currency: 'EUR' },
    currency: 'EUR',
    payment: { status: 'captured', authorized: 3998, captured: 3998, refunded: 0 },
    timeline: [
      { at: placedAt, type: 'OrderPlaced', visibility: 'public', title: 'Order placed', position: positionAt(minutes * 10) },
      { at: placedAt, type: 'StockReserved', visibility: 'internal', title: 'SKU-1 ×2 reserved', position: positionAt(minutes * 10 + 1) },
    ],
    lastPosition: positionAt(minutes * 10 + 1),
  };
}

export function notification(id: string, customerId: string, minutes: number, read = false): Notification {
  return {
    id,
    customerId,
    orderId: `o-${id}`,
    kind: 'order_confirmed',
    title: 'Your order is confirmed',
    body: 'We are packing it.',
    createdAt: new Date(base + minutes * 60_000).toISOString(),
    read,
    position: positionAt(minutes),
  };
}
