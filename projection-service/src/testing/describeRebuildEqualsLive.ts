import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore, startProcessor, type DocumentStore, type EventStore } from '@orderflow/platform';
import type { Notification, OrderHistoryDocument } from '@orderflow/schemas';
import { generateHistory } from './generateHistory.js';
import { replay } from './replay.js';
import { createProjectors } from '../projectors/createProjectors.js';
import { notificationsModel } from '../projectors/notifications/notificationsProjector.js';
import { orderHistoryModel } from '../projectors/orderHistory/orderHistoryProjector.js';

/** Every document of a collection, in id order (paged through the port). */
async function everything<T extends Record<string, unknown>>(
  documents: DocumentStore,
  model: { name: string; idField: keyof T & string; positionField: keyof T & string },
  sortField: string,
): Promise<T[]> {
  const collection = documents.collection<T>(model.name, model);
  const all: T[] = [];
  for (let after: { value: string; id: string } | undefined; ;) {
    const page = await collection.find({ sort: { field: sortField, direction: 'asc' }, limit: 1000, ...(after && { after }) });
    all.push(...page);
    const last = page.at(-1);
    if (last === undefined || page.length < 1000) return all;
    after = { value: String(last[sortField]), id: String(last[model.idField]) };
  }
}

/**
 * Builds the read models live with the real runtime over a generated history of `orders` orders, then rebuilds them
 * blue-green while a reader keeps counting: the rebuilt models must equal the live-built ones, and the reader must
 * never see an empty or partial model (sampled every 250 ms: FerretDB's SQLite backend serialises a count with the
 * rebuild's writes, so a reader spinning without pause would mostly measure that). Call inside `describeWith('postgres', …)` (one database per file).
 */
export function describeRebuildEqualsLive(
  usePgUrl: () => string,
  label: string,
  orders: number,
  factory: () => Promise<DocumentStore>,
  timeoutMs = 60_000,
): void {
  let store: EventStore;
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: usePgUrl(), max: 8 });
    store = await createEventStore({ databaseUrl: usePgUrl() });
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
  });

  describe(label, () => {
    let documents: DocumentStore;
    beforeAll(async () => {
      documents = await factory();
    });
    afterAll(async () => {
      await documents.close();
    });

    it(
      `a blue-green rebuild of ${orders} orders equals the live-built models, and readers never see a partial model`,
      async () => {
        await generateHistory(store, { orders, seed: orders });
        const head = await store.headPosition();
        if (head === undefined) throw new Error('no events');
        // Live: the real runtime, until it has caught up with the head.
        const live = createProjectors({ pool, documents });
        for (const p of live) await p.ensure();
        const running = live.map((definition) => startProcessor(definition, { store, pool }));
        try {
          await Promise.all(running.map((r) => r.whenCaughtUp(head, { timeoutMs: 50_000 })));
        } finally {
          await Promise.all(running.map((r) => r.stop()));
        }
        const snapshot = async () => ({
          stock: (await pool.query('select * from read_stock.catalog order by sku')).rows,
          orders: await everything<OrderHistoryDocument>(documents, orderHistoryModel, 'placedAt'),
          notifications: await everything<Notification>(documents, notificationsModel, 'createdAt'),
        });
        const liveBuilt = await snapshot();
        expect(liveBuilt.orders.length).toBe(orders);
        expect(liveBuilt.stock.length).toBe(20);
        expect(new Set(liveBuilt.orders.map((o) => o.status))).toEqual(new Set(['cancelled', 'confirmed', 'shipped', 'delivered']));
        expect(liveBuilt.orders.some((o) => o.payment.status === 'partially_refunded')).toBe(true);
        expect(liveBuilt.orders.some((o) => o.cancellation?.reason === 'payment_timeout')).toBe(true);

        // Readers keep reading while the shadows fill and the swaps happen.
        const orderCollection = documents.collection<OrderHistoryDocument>(orderHistoryModel.name, orderHistoryModel);
        const reading = new AbortController();
        const seen = { reads: 0, partial: [] as string[] };
        const reader = (async () => {
          while (!reading.signal.aborted) {
            const [count, rows] = await Promise.all([
              orderCollection.count(),
              pool.query<{ n: string }>('select count(*) as n from read_stock.catalog'),
            ]);
            if (count !== orders || rows.rows[0]?.n !== '20') seen.partial.push(`${count} orders, ${rows.rows[0]?.n} SKUs`);
            seen.reads += 1;
            // Often enough to read several times however fast the rebuild is (it got faster; 250 ms let it finish in three).
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        })();
        try {
          for (const projector of createProjectors({ pool, documents })) {
            await projector.rebuild?.prepare({ blueGreen: true });
            await replay(store, projector, pool);
            await projector.rebuild?.swap?.({});
          }
        } finally {
          reading.abort();
          await reader;
        }
        expect(seen.partial).toEqual([]);
        expect(seen.reads).toBeGreaterThan(3);
        const rebuilt = await snapshot();
        expect(rebuilt.stock).toEqual(liveBuilt.stock);
        expect(rebuilt.orders).toEqual(liveBuilt.orders);
        expect(rebuilt.notifications).toEqual(liveBuilt.notifications);
      },
      timeoutMs,
    );
  });
}
