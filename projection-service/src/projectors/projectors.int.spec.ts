import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventStore,
  createMongoDocumentStore,
  createPostgresDocumentStore,
  type DocumentStore,
  type EventStore,
} from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { eventRegistry, type EventOf, type EventType, type Notification, type OrderHistoryDocument } from '@orderflow/schemas';
import { replay } from '../testing/replay.js';
import { createNotificationsProjector, notificationsModel } from './notifications/notificationsProjector.js';
import { createOrderHistoryProjector, orderHistoryModel } from './orderHistory/orderHistoryProjector.js';
import { createStockProjector } from './stock/stockProjector.js';

let tick = 0;
const at = (n: number) => new Date(Date.UTC(2026, 2, 1, 12, 0, n)).toISOString();
function append<T extends EventType>(store: EventStore, streamId: string, ...events: [T, EventOf<T>['data']][]) {
  return store.appendToStream(
    streamId,
    events.map(([type, data]) => ({
      type,
      data: data,
      metadata: { eventId: randomUUID(), schemaVersion: eventRegistry[type].schemaVersion, occurredAt: at(tick++) },
    })),
  );
}
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const address = { name: 'Ada', line1: '1 Main Street', city: 'Paris', postalCode: '75001', country: 'FR' };

describeWith('postgres', 'projectors', (usePg) => {
  let store: EventStore;
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: usePg().url });
    store = await createEventStore({ databaseUrl: usePg().url });
    const r = (sku: string, orderId: string, quantity: number) => ({ sku, orderId, customerId: 'c-1', quantity });
    await append(store, 'inventory-SKU-A', [
      'SkuRegistered',
      { sku: 'SKU-A', name: 'Tee', unitPrice: eur(1000), perCustomerLimit: 2, perOrderLimit: null },
    ]);
    await append(
      store,
      'inventory-SKU-A',
      ['StockReceived', { sku: 'SKU-A', quantity: 10 }],
      ['StockAdjusted', { sku: 'SKU-A', delta: -1, reason: 'damaged' }],
    );
    await append(
      store,
      'inventory-SKU-A',
      ['SkuPriceChanged', { sku: 'SKU-A', unitPrice: eur(1200) }],
      ['SkuLimitsChanged', { sku: 'SKU-A', perCustomerLimit: 3, perOrderLimit: 1 }],
    );
    await append(
      store,
      'inventory-SKU-A',
      ['StockReserved', { ...r('SKU-A', 'o-1', 2), expiresAt: at(900) }],
      ['StockReserved', { ...r('SKU-A', 'o-2', 1), expiresAt: at(900) }],
      [
        'ReservationRejected',
        { sku: 'SKU-A', orderId: 'o-9', customerId: 'c-9', requested: 5, reason: 'insufficient_stock', available: 6 },
      ],
      ['ReservationCommitted', r('SKU-A', 'o-1', 2)],
      ['ReservationReleased', { ...r('SKU-A', 'o-2', 1), reason: 'payment_declined' }],
      ['StockReserved', { ...r('SKU-A', 'o-3', 3), expiresAt: at(900) }],
      ['ReservationExpired', { ...r('SKU-A', 'o-3', 3), expiresAt: at(900) }],
      ['StockReserved', { ...r('SKU-A', 'o-4', 1), expiresAt: at(900) }],
    );
    await append(store, 'inventory-SKU-Z', ['StockReceived', { sku: 'SKU-Z', quantity: 5 }]);

    const line = { sku: 'SKU-A', name: 'Tee', quantity: 2, unitPrice: eur(1200) };
    const placed = (orderId: string) => ({
      orderId,
      customerId: 'c-1',
      lines: [line],
      total: eur(2400),
      currency: 'EUR',
      shippingAddress: address,
      paymentMethodToken: 'pm_card_ok',
    });
    await append(store, 'order-o-1', ['OrderPlaced', placed('o-1')]);
    await append(
      store,
      'payment-o-1',
      ['PaymentRequested', { orderId: 'o-1', requestId: 'a-1', amount: eur(2400), paymentMethodToken: 'pm_card_ok' }],
      ['PaymentAuthorized', { orderId: 'o-1', requestId: 'a-1', amount: eur(2400) }],
    );
    await append(store, 'order-o-1', ['OrderConfirmed', { orderId: 'o-1' }]);
    await append(store, 'payment-o-1', ['PaymentCaptured', { orderId: 'o-1', requestId: 'cap-1', amount: eur(2400) }]);
    await append(
      store,
      'order-o-1',
      ['OrderShipped', { orderId: 'o-1', carrier: 'DHL', trackingNumber: 'TRK1' }],
      ['OrderDelivered', { orderId: 'o-1' }],
    );
    await append(store, 'order-o-1', ['OrderRefunded', { orderId: 'o-1', refundId: 'rf-1', amount: eur(1000) }]);
    await append(store, 'payment-o-1', ['PaymentRefunded', { orderId: 'o-1', requestId: 'rf-1', amount: eur(1000) }]);
    await append(store, 'order-o-2', ['OrderPlaced', placed('o-2')]);
    await append(
      store,
      'payment-o-2',
      ['PaymentRequested', { orderId: 'o-2', requestId: 'a-2', amount: eur(2400), paymentMethodToken: 'pm_card_ok' }],
      ['PaymentDeclined', { orderId: 'o-2', requestId: 'a-2', reason: 'insufficient_funds' }],
    );
    await append(store, 'order-o-2', ['OrderCancelled', { orderId: 'o-2', reason: 'payment_declined', by: 'system' }]);
    await append(store, 'order-o-3', ['OrderPlaced', placed('o-3')]);
    await append(
      store,
      'payment-o-3',
      ['PaymentRequested', { orderId: 'o-3', requestId: 'a-3', amount: eur(2400), paymentMethodToken: 'pm_card_ok' }],
      ['PaymentAuthorized', { orderId: 'o-3', requestId: 'a-3', amount: eur(2400) }],
      ['PaymentVoided', { orderId: 'o-3', requestId: 'v-3', amount: eur(2400) }],
    );
    await append(store, 'order-o-3', ['OrderCancelled', { orderId: 'o-3', reason: 'customer_request', by: 'customer' }]);
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
  });

  it('stock: every inventory event moves the numbers as the decider does; a replay changes nothing', async () => {
    const stock = createStockProjector({ pool });
    await stock.ensure();
    await replay(store, stock, pool);
    await replay(store, stock, pool);
    const { rows } = await pool.query('select * from read_stock.catalog order by sku');
    expect(rows).toEqual([
      expect.objectContaining({
        sku: 'SKU-A',
        name: 'Tee',
        unit_price: '1200',
        currency: 'EUR',
        per_customer_limit: 3,
        per_order_limit: 1,
        on_hand: 10 - 1 - 2,
        reserved: 1,
        sold: 2,
      }),
    ]);
  });

  it('stock: a blue-green swap given the rebuild’s transaction commits with it, and a rollback leaves the live table', async () => {
    const stock = createStockProjector({ pool });
    await stock.ensure();
    await replay(store, stock, pool);
    const live = async () => (await pool.query<{ sku: string }>('select sku from read_stock.catalog order by sku')).rows;
    const before = await live();
    expect(before.map((r) => r.sku)).toEqual(['SKU-A']);

    await stock.rebuild?.prepare({ blueGreen: true });
    await pool.query('insert into read_stock.catalog_shadow select * from read_stock.catalog');
    await pool.query("update read_stock.catalog_shadow set sku = 'SKU-NEW'");
    const client = await pool.connect();
    try {
      // The checkpoint write after the swap fails (a lost lease): the swap must roll back with it.
      await client.query('begin');
      await stock.rebuild?.swap?.({ tx: client });
      await client.query('rollback');
      expect(await live()).toEqual(before);
      await client.query('begin');
      await stock.rebuild?.swap?.({ tx: client });
      await client.query('commit');
    } finally {
      client.release();
    }
    expect((await live()).map((r) => r.sku)).toEqual(['SKU-NEW']);
    // The live table as the other tests know it: the log replayed into it again.
    await pool.query('truncate read_stock.catalog');
    await replay(store, stock, pool);
    expect(await live()).toEqual(before);
  });

  describe('document models on PostgreSQL JSONB', () => {
    describeDocumentModels(() => Promise.resolve(createPostgresDocumentStore({ connectionString: usePg().url })));
  });
  describeWith('mongo', 'document models on MongoDB', (useMongo) => {
    describeDocumentModels(() => createMongoDocumentStore({ url: useMongo().url, dbName: useMongo().dbName }));
  });

  function describeDocumentModels(factory: () => Promise<DocumentStore>) {
    let documents: DocumentStore;
    beforeAll(async () => {
      documents = await factory();
    });
    afterAll(async () => {
      await documents.close();
    });

    it('order history: lines, totals, status, payment summary, cancellation, shipment, timeline', async () => {
      const projector = createOrderHistoryProjector({ documents });
      await projector.ensure();
      await replay(store, projector, pool);
      await replay(store, projector, pool);
      const orders = documents.collection<OrderHistoryDocument>(orderHistoryModel.name, orderHistoryModel);
      const o1 = await orders.get('o-1');
      expect(o1).toMatchObject({
        status: 'delivered',
        lines: [{ sku: 'SKU-A', quantity: 2, unitPrice: eur(1200), lineTotal: eur(2400) }],
        total: eur(2400),
        payment: { status: 'partially_refunded', authorized: 2400, captured: 2400, refunded: 1000 },
        shipment: { carrier: 'DHL', trackingNumber: 'TRK1' },
      });
      expect(o1?.timeline.map((t) => [t.visibility, t.title])).toEqual([
        ['public', 'Order placed: 2 items, 24.00 EUR'],
        ['internal', 'Payment authorization of 24.00 EUR requested'],
        ['public', 'Payment of 24.00 EUR authorized'],
        ['public', 'Order confirmed'],
        ['public', 'Payment of 24.00 EUR charged'],
        ['public', 'Order shipped with DHL (tracking number TRK1)'],
        ['public', 'Order delivered'],
        ['public', 'Refund of 10.00 EUR issued'],
        ['public', '10.00 EUR refunded to your payment method'],
      ]);
      expect(await orders.get('o-2')).toMatchObject({
        status: 'cancelled',
        cancellation: { reason: 'payment_declined', by: 'system' },
        payment: { status: 'declined', declineReason: 'insufficient_funds', authorized: 0 },
      });
      const o3 = await orders.get('o-3');
      expect(o3).toMatchObject({
        status: 'cancelled',
        cancellation: { reason: 'customer_request', by: 'customer' },
        payment: { status: 'voided' },
      });
      expect(o3?.timeline.at(-1)?.title).toBe('Order cancelled because you asked us to cancel it');
      expect(o3?.timeline.filter((t) => t.type === 'PaymentVoided').map((t) => t.visibility)).toEqual(['internal']);
      const mine = await orders.find({
        where: { customerId: 'c-1', status: 'cancelled' },
        sort: { field: 'placedAt', direction: 'desc' },
        limit: 10,
      });
      expect(mine.map((d) => d.orderId)).toEqual(['o-3', 'o-2']);
    });

    it('notifications: one per customer-facing event in plain words; read survives a replay', async () => {
      const projector = createNotificationsProjector({ documents });
      await projector.ensure();
      await replay(store, projector, pool);
      const notifications = documents.collection<Notification>(notificationsModel.name, notificationsModel);
      const all = await notifications.find({ where: { customerId: 'c-1' }, sort: { field: 'createdAt', direction: 'asc' }, limit: 100 });
      expect(all.map((n) => [n.orderId, n.kind])).toEqual([
        ['o-1', 'order_confirmed'],
        ['o-1', 'order_shipped'],
        ['o-1', 'order_delivered'],
        ['o-1', 'order_refunded'],
        ['o-2', 'order_cancelled'],
        ['o-3', 'order_cancelled'],
      ]);
      expect(all[4]?.body).toBe('Your order o-2 was cancelled because the payment was declined.');
      expect(all[3]?.body).toContain('We refunded 10.00 EUR for your order o-1');
      const first = all[0];
      if (first === undefined) throw new Error('no notification');
      await notifications.update(first.id, { read: true });
      await replay(store, projector, pool);
      expect(await notifications.get(first.id)).toMatchObject({ read: true });
      expect(await notifications.count({ customerId: 'c-1', read: false })).toBe(5);
    });
  }
});
