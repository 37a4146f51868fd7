import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { createLogger, startProcessor, type EventStore, type NewEvent, type ProcessorDefinition } from '@orderflow/platform';
import { eventRegistry, type EventOf, type EventType } from '@orderflow/schemas';
import { LatencyRecorder, round } from './stats.js';

export interface LiveLagRow {
  readonly projection: string;
  readonly store: string;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LiveLagResult {
  readonly ordersPerSecond: number;
  readonly eventsPerSecond: number;
  readonly rows: LiveLagRow[];
}

interface Watched {
  readonly projection: string;
  readonly store: string;
  readonly definition: ProcessorDefinition;
  /** The streams whose events this projection applies. */
  readonly streams: readonly string[];
}

const event = <T extends EventType>(type: T, data: EventOf<T>['data']): NewEvent => ({
  type,
  data,
  metadata: { eventId: randomUUID(), schemaVersion: eventRegistry[type].schemaVersion, occurredAt: new Date().toISOString() },
});

/** A confirmed checkout as the saga writes it: one append per step, each after the previous one. */
function checkout(n: number, skus: readonly string[]): { readonly streamId: string; readonly events: NewEvent[] }[] {
  const orderId = `live-${randomUUID()}`;
  const customerId = `c-live-${n % 500}`;
  const sku = skus[n % skus.length] ?? 'SKU-0001';
  const unitPrice = { amount: 1000, currency: 'EUR' };
  const reservation = { sku, orderId, customerId, quantity: 1 };
  const requestId = `${orderId}:authorize`;
  const address = { name: 'A Customer', line1: '1 Main Street', city: 'Paris', postalCode: '75001', country: 'FR' };
  return [
    {
      streamId: `order-${orderId}`,
      events: [
        event('OrderPlaced', {
          orderId,
          customerId,
          lines: [{ sku, name: `Item ${sku}`, quantity: 1, unitPrice }],
          total: unitPrice,
          currency: 'EUR',
          shippingAddress: address,
          paymentMethodToken: 'pm_card_ok',
        }),
      ],
    },
    {
      streamId: `inventory-${sku}`,
      events: [event('StockReserved', { ...reservation, expiresAt: new Date(Date.now() + 600_000).toISOString() })],
    },
    {
      streamId: `payment-${orderId}`,
      events: [
        event('PaymentRequested', { orderId, requestId, amount: unitPrice, paymentMethodToken: 'pm_card_ok' }),
        event('PaymentAuthorized', { orderId, requestId, amount: unitPrice }),
      ],
    },
    { streamId: `order-${orderId}`, events: [event('OrderConfirmed', { orderId })] },
    { streamId: `inventory-${sku}`, events: [event('ReservationCommitted', reservation)] },
    { streamId: `payment-${orderId}`, events: [event('PaymentCaptured', { orderId, requestId: `${orderId}:capture`, amount: unitPrice })] },
  ];
}

/**
 * Live lag under load: the projections run live (the real runtime, from their checkpoints) while checkouts are
 * appended open-loop at `rate` orders/s for `durationS`. Each append a projection applies is one sample: from the
 * moment the append committed to the moment that projection's checkpoint (written with, or right after, its
 * read-model changes) passed the append's position.
 */
export async function measureLiveLag(options: {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly watched: readonly Watched[];
  readonly skus: readonly string[];
  readonly rate: number;
  readonly durationS: number;
  readonly log: (line: string) => void;
}): Promise<LiveLagResult> {
  const { store, pool, watched } = options;
  const logger = createLogger('bench', 'warn');
  const running = watched.map((w) => ({
    ...w,
    processor: startProcessor(w.definition, { store, pool, logger }),
    lag: new LatencyRecorder(),
  }));
  const head = await store.headPosition();
  if (head !== undefined) await Promise.all(running.map((r) => r.processor.whenCaughtUp(head, { timeoutMs: 120_000 })));

  const pending: Promise<void>[] = [];
  let appended = 0;
  let orders = 0;
  const placeOne = async (n: number) => {
    for (const { streamId, events } of checkout(n, options.skus)) {
      const { position } = await store.appendToStream(streamId, events);
      const committed = performance.now();
      appended += events.length;
      for (const r of running)
        if (r.streams.some((prefix) => streamId.startsWith(prefix)))
          pending.push(
            r.processor.whenCaughtUp(position, { timeoutMs: 120_000 }).then(() => {
              r.lag.record(performance.now() - committed);
            }),
          );
    }
  };
  const began = performance.now();
  const ends = began + options.durationS * 1000;
  const placing: Promise<void>[] = [];
  while (performance.now() < ends) {
    const due = Math.floor(((performance.now() - began) / 1000) * options.rate);
    while (orders < due) placing.push(placeOne(orders++));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(placing);
  const seconds = (performance.now() - began) / 1000;
  await Promise.all(pending);
  await Promise.all(running.map((r) => r.processor.stop()));
  options.log(`  live: ${orders} checkouts (${appended} events) in ${round(seconds)} s`);
  return {
    ordersPerSecond: round(orders / seconds),
    eventsPerSecond: round(appended / seconds),
    rows: running.map((r) => ({
      projection: r.projection,
      store: r.store,
      samples: r.lag.count,
      p50Ms: round(r.lag.percentile(50)),
      p99Ms: round(r.lag.percentile(99)),
      maxMs: round(r.lag.percentile(100)),
    })),
  };
}
