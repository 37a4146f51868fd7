import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEventStore,
  createLogger,
  rebuildProcessor,
  startProcessor,
  type DocumentStore,
  type EventStore,
  type ProcessorDefinition,
} from '@orderflow/platform';
import type { Notification, OrderHistoryDocument } from '@orderflow/schemas';
import { generateHistory } from './generateHistory.js';
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
 * Builds the read models live with the real runtime over a generated history of `orders` orders, then rebuilds each
 * of them blue-green the operators' way (`rebuildProcessor`, as `orderflow projections rebuild --blue-green` runs it:
 * lease, shadow, 5,000-event batches, swap with the checkpoint) while a reader keeps counting: the rebuilt models must
 * equal the live-built ones, and the reader must never see an empty or partial model (read once each shadow holds its
 * first batch, after each swap, and by a reader running alongside). Call inside `describeWith('postgres', …)` (one
 * database per file). `timeoutMs` bounds the whole test; the live build may take 60 % of it, which leaves the rest for
 * the rebuild and the reads.
 */
export function describeRebuildEqualsLive(
  usePgUrl: () => string,
  label: string,
  orders: number,
  factory: () => Promise<DocumentStore>,
  timeoutMs = 300_000,
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
          await Promise.all(running.map((r) => r.whenCaughtUp(head, { timeoutMs: Math.round(timeoutMs * 0.6) })));
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

        // Readers read while the shadows fill and the swaps happen. The test itself reads once each shadow holds its
        // first batch and once it is swapped in, so the filling shadow is observed however fast or slow the rebuild is;
        // a free-running reader also reads throughout (on FerretDB a count takes seconds, so it samples sparsely).
        const orderCollection = documents.collection<OrderHistoryDocument>(orderHistoryModel.name, orderHistoryModel);
        const seen = { partial: [] as string[], whileFilling: new Set<string>() };
        const read = async (when: string) => {
          const [count, rows] = await Promise.all([
            orderCollection.count(),
            pool.query<{ n: string }>('select count(*) as n from read_stock.catalog'),
          ]);
          if (count !== orders || rows.rows[0]?.n !== '20') seen.partial.push(`${when}: ${count} orders, ${rows.rows[0]?.n} SKUs`);
        };
        const reading = new AbortController();
        const reader = (async () => {
          while (!reading.signal.aborted) {
            await read('concurrently');
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        })();
        const rebuilt = createProjectors({ pool, documents });
        const storedCheckpoints = async () =>
          Object.fromEntries(
            (
              await pool.query<{ name: string; checkpoint: string | null }>(
                'select name, checkpoint from processing.processors where name = any($1)',
                [rebuilt.map((projector) => projector.name)],
              )
            ).rows.map((row) => [row.name, row.checkpoint ?? undefined]),
          ) as Record<string, string | undefined>;
        const liveCheckpoints = await storedCheckpoints();
        const checkpoints: Record<string, string | undefined> = {};
        try {
          for (const projector of rebuilt) {
            await projector.ensure();
            // The projector as it is, but for a read of the live models once its shadow holds the first batch (only
            // then: a FerretDB count scans every document, ~2 s for 2,000 orders here).
            const observed: ProcessorDefinition = {
              ...projector,
              async handleBatch(events, ctx) {
                await projector.handleBatch(events, ctx);
                if (seen.whileFilling.has(projector.name)) return;
                seen.whileFilling.add(projector.name);
                await read(`${projector.name} filling`);
              },
            };
            const result = await rebuildProcessor(observed, { store, pool, blueGreen: true, logger: createLogger('rebuild', 'warn') });
            checkpoints[projector.name] = result.checkpoint;
            await read(`${projector.name} swapped`);
          }
        } finally {
          reading.abort();
          await reader;
        }
        expect(seen.partial).toEqual([]);
        // Every projector's shadow was observed while it filled.
        expect([...seen.whileFilling]).toEqual(rebuilt.map((projector) => projector.name));
        // Each swap came with the checkpoint of the last event it replayed (the last matching event of the log), or
        // with the live one where that was further (the live runtime also moves past events it does not want).
        const expected: Record<string, string | undefined> = {};
        for (const { name, filter } of rebuilt) {
          const last = (await store.readAll({ from: 'end', direction: 'backwards', maxCount: 1, ...(filter && { filter }) }))[0]?.position;
          const live = liveCheckpoints[name];
          expected[name] = last === undefined || (live !== undefined && live > last) ? live : last;
        }
        expect(checkpoints).toEqual(expected);
        expect(await storedCheckpoints()).toEqual(expected);
        const after = await snapshot();
        expect(after.stock).toEqual(liveBuilt.stock);
        expect(after.orders).toEqual(liveBuilt.orders);
        expect(after.notifications).toEqual(liveBuilt.notifications);
      },
      timeoutMs,
    );
  });
}
