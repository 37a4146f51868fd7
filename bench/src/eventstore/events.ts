import { randomUUID } from 'node:crypto';
import type { NewEvent } from './platform.js';

const customerId = 'c-7f3a9b21';
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A realistic OrderPlaced envelope (DESIGN.md §4), ~600 bytes serialised, fresh ids every time. */
export function orderPlaced(seq: number): NewEvent {
  const orderId = randomUUID();
  return {
    type: 'OrderPlaced',
    data: {
      seq,
      orderId,
      customerId,
      lines: [
        { sku: 'SKU-000123', quantity: 2, unitPrice: { amount: 1999, currency: 'EUR' } },
        { sku: 'SKU-004567', quantity: 1, unitPrice: { amount: 4500, currency: 'EUR' } },
      ],
      total: { amount: 8498, currency: 'EUR' },
      shippingAddress: { line1: '12 Rue de la Paix', city: 'Paris', postcode: '75002', country: 'FR' },
    },
    metadata: {
      eventId: randomUUID(),
      correlationId: orderId,
      causationId: orderId,
      traceparent,
      actor: `customer:${customerId}`,
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
    },
  };
}

export function orderPlacedBatch(size: number, firstSeq = 0): NewEvent[] {
  return Array.from({ length: size }, (_, i) => orderPlaced(firstSeq + i));
}
