import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '@orderflow/platform';
import { eventRegistry, type EventOf, type EventType } from '@orderflow/schemas';

export interface HistoryOptions {
  readonly orders: number;
  readonly skus?: number;
  /** Seed of the deterministic choices (outcomes, quantities). */
  readonly seed?: number;
  /** Concurrent appends (default 6). */
  readonly writers?: number;
  readonly onProgress?: (events: number) => void;
}

/** A small deterministic PRNG (mulberry32), so a history is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a realistic history through `store.appendToStream` (one append per stream and order, several writers):
 * SKUs registered and stocked, then orders that are confirmed (some shipped, delivered, refunded), declined,
 * timed out, out of stock or cancelled by the customer, with the inventory and payment events the checkout saga
 * would have written. Returns the number of events written.
 */
export async function generateHistory(store: EventStore, options: HistoryOptions): Promise<number> {
  const random = prng(options.seed ?? 42);
  const skuCount = options.skus ?? 20;
  const skus = Array.from({ length: skuCount }, (_, i) => `SKU-${String(i + 1).padStart(4, '0')}`);
  const clock = Date.UTC(2026, 0, 1);
  let tick = 0;
  const event = <T extends EventType>(type: T, data: EventOf<T>['data']): NewEvent => ({
    type,
    data: data,
    metadata: {
      eventId: randomUUID(),
      schemaVersion: eventRegistry[type].schemaVersion,
      occurredAt: new Date(clock + 1000 * tick++).toISOString(),
    },
  });
  const price = (sku: string) => ({ amount: 500 + 100 * skus.indexOf(sku), currency: 'EUR' });

  type Append = { readonly streamId: string; readonly events: NewEvent[] };
  // Units of work: appends that must land in this order (an order's stream before its payment stream; a SKU's chunks).
  const units: Append[][] = [];
  const skuUnits = new Map<string, Append[]>();
  let inventory = new Map<string, NewEvent[]>();
  const stock = (sku: string, e: NewEvent) => inventory.set(sku, [...(inventory.get(sku) ?? []), e]);
  const flushInventory = () => {
    for (const [sku, events] of inventory) {
      const unit = skuUnits.get(sku) ?? [];
      if (unit.length === 0) {
        skuUnits.set(sku, unit);
        units.push(unit);
      }
      unit.push({ streamId: `inventory-${sku}`, events });
    }
    inventory = new Map();
  };
  for (const sku of skus) {
    stock(sku, event('SkuRegistered', { sku, name: `Item ${sku}`, unitPrice: price(sku), perCustomerLimit: 5, perOrderLimit: null }));
    stock(sku, event('StockReceived', { sku, quantity: 1_000_000 }));
  }
  flushInventory();

  for (let n = 0; n < options.orders; n++) {
    const orderId = `o-${options.seed ?? 42}-${n}`;
    const customerId = `c-${Math.floor(random() * Math.max(10, options.orders / 5))}`;
    const lineSkus = [
      ...new Set([skus[Math.floor(random() * skuCount)] ?? 'SKU-0001', skus[Math.floor(random() * skuCount)] ?? 'SKU-0001']),
    ].sort();
    const lines = lineSkus.map((sku) => ({ sku, name: `Item ${sku}`, quantity: 1 + Math.floor(random() * 2), unitPrice: price(sku) }));
    const total = { amount: lines.reduce((s, l) => s + l.quantity * l.unitPrice.amount, 0), currency: 'EUR' };
    const order: NewEvent[] = [
      event('OrderPlaced', {
        orderId,
        customerId,
        lines,
        total,
        currency: 'EUR',
        shippingAddress: { name: 'A Customer', line1: '1 Main Street', city: 'Paris', postalCode: '75001', country: 'FR' },
        paymentMethodToken: 'pm_card_ok',
      }),
    ];
    const payment: NewEvent[] = [];
    const reservation = (l: (typeof lines)[number]) => ({ sku: l.sku, orderId, customerId, quantity: l.quantity });
    const expiresAt = new Date(clock + 1000 * (tick + 600)).toISOString();
    const requestId = `${orderId}:authorize`;
    const outcome = random();
    if (outcome < 0.05) {
      for (const l of lines)
        stock(
          l.sku,
          event('ReservationRejected', { ...reservation(l), requested: l.quantity, reason: 'insufficient_stock', available: 0 }),
        );
      order.push(event('OrderCancelled', { orderId, reason: 'out_of_stock', by: 'system' }));
    } else {
      for (const l of lines) stock(l.sku, event('StockReserved', { ...reservation(l), expiresAt }));
      payment.push(event('PaymentRequested', { orderId, requestId, amount: total, paymentMethodToken: 'pm_card_ok' }));
      if (outcome < 0.15) {
        payment.push(event('PaymentDeclined', { orderId, requestId, reason: 'card_declined' }));
        for (const l of lines) stock(l.sku, event('ReservationReleased', { ...reservation(l), reason: 'payment_declined' }));
        order.push(event('OrderCancelled', { orderId, reason: 'payment_declined', by: 'system' }));
      } else if (outcome < 0.25) {
        for (const l of lines) stock(l.sku, event('ReservationExpired', { ...reservation(l), expiresAt }));
        order.push(event('OrderCancelled', { orderId, reason: 'payment_timeout', by: 'system' }));
      } else {
        payment.push(event('PaymentAuthorized', { orderId, requestId, amount: total }));
        if (outcome < 0.3) {
          for (const l of lines) stock(l.sku, event('ReservationReleased', { ...reservation(l), reason: 'customer_request' }));
          payment.push(event('PaymentVoided', { orderId, requestId: `${orderId}:void`, amount: total }));
          order.push(event('OrderCancelled', { orderId, reason: 'customer_request', detail: 'changed my mind', by: 'customer' }));
        } else {
          order.push(event('OrderConfirmed', { orderId }));
          for (const l of lines) stock(l.sku, event('ReservationCommitted', reservation(l)));
          payment.push(event('PaymentCaptured', { orderId, requestId: `${orderId}:capture`, amount: total }));
          if (random() < 0.7) order.push(event('OrderShipped', { orderId, carrier: 'DHL', trackingNumber: `TRK${n}` }));
          if (random() < 0.5 && order.length === 3) order.push(event('OrderDelivered', { orderId }));
          if (random() < 0.1) {
            const amount = { amount: Math.max(1, Math.floor(total.amount / 2)), currency: 'EUR' };
            order.push(event('OrderRefunded', { orderId, refundId: `${orderId}:refund`, amount, reason: 'damaged' }));
            payment.push(event('PaymentRefunded', { orderId, requestId: `${orderId}:refund`, amount }));
          }
        }
      }
    }
    units.push([
      { streamId: `order-${orderId}`, events: order },
      ...(payment.length > 0 ? [{ streamId: `payment-${orderId}`, events: payment }] : []),
    ]);
    if ((n + 1) % 200 === 0) flushInventory();
  }
  flushInventory();

  let written = 0;
  const run = async (unit: Append[]) => {
    for (const { streamId, events } of unit) {
      await store.appendToStream(streamId, events);
      written += events.length;
      options.onProgress?.(written);
    }
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: options.writers ?? 6 }, async () => {
      for (let unit = units[next++]; unit !== undefined; unit = units[next++]) await run(unit);
    }),
  );
  return written;
}
