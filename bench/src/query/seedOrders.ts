import type { DocumentStore } from '@orderflow/platform';

/** Order-history documents as the projector writes them (the query service validates its answers against the schema). */
export async function seedOrders(documents: DocumentStore, customers: number, ordersPerCustomer: number): Promise<void> {
  const collection = documents.collection<Record<string, unknown>>('order_history', { idField: 'orderId', positionField: 'lastPosition' });
  await collection.ensure([
    {
      name: 'by_customer_date',
      fields: [
        { field: 'customerId', direction: 'asc' },
        { field: 'placedAt', direction: 'desc' },
      ],
    },
  ]);
  const started = Date.parse('2026-11-01T00:00:00.000Z');
  for (let c = 0; c < customers; c += 1) {
    const batch = Array.from({ length: ordersPerCustomer }, (_, i) => {
      const n = c * ordersPerCustomer + i;
      const at = new Date(started + n * 1000).toISOString();
      const position = `${n.toString(16).padStart(16, '0')}/${'0'.repeat(16)}`;
      const price = { amount: 2500, currency: 'EUR' };
      return {
        orderId: orderIdOf(c, i),
        customerId: customerIdOf(c),
        status: 'confirmed',
        placedAt: at,
        updatedAt: at,
        lines: [{ sku: 'SKU-BENCH', name: 'Bench item', quantity: 2, unitPrice: price, lineTotal: { amount: 5000, currency: 'EUR' } }],
        total: { amount: 5000, currency: 'EUR' },
        currency: 'EUR',
        payment: { status: 'captured', authorized: 5000, captured: 5000, refunded: 0 },
        timeline: ['OrderPlaced', 'StockReserved', 'PaymentAuthorized', 'OrderConfirmed'].map((type, k) => ({
          at,
          type,
          visibility: k % 2 === 0 ? 'public' : 'internal',
          title: type,
          position,
        })),
        lastPosition: position,
      };
    });
    // A new collection: FerretDB then inserts without a scan per batch.
    await collection.upsertMany(batch, { fresh: true });
  }
}

export const customerIdOf = (c: number): string => `bench-customer-${c}`;
export const orderIdOf = (c: number, i: number): string => `bench-order-${c}-${i}`;
