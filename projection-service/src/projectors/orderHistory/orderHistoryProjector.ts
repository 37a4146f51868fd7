import type { DocumentStore, IndexSpec, ProcessorDefinition } from '@orderflow/platform';
import type { OrderHistoryDocument } from '@orderflow/schemas';
import { createDocumentTarget } from '../documentTarget.js';
import { toProjectedEvent } from '../projectedEvent.js';
import { createRebuildWriter } from '../rebuildWriter.js';
import { evolveOrderHistory, type OrderHistoryEvent } from './evolveOrderHistory.js';

export const orderHistoryProcessorName = 'order-history';

/** Collection `order_history`: one document per order, id `orderId`, guarded by `lastPosition` (stable names). */
export const orderHistoryModel = {
  name: 'order_history',
  idField: 'orderId',
  positionField: 'lastPosition',
  indexes: [
    {
      name: 'by_customer_date',
      fields: [
        { field: 'customerId', direction: 'asc' },
        { field: 'placedAt', direction: 'desc' },
      ],
    },
    {
      name: 'by_customer_status_date',
      fields: [
        { field: 'customerId', direction: 'asc' },
        { field: 'status', direction: 'asc' },
        { field: 'placedAt', direction: 'desc' },
      ],
    },
    // Admins list every customer's orders, newest first, optionally by status.
    { name: 'by_date', fields: [{ field: 'placedAt', direction: 'desc' }] },
    {
      name: 'by_status_date',
      fields: [
        { field: 'status', direction: 'asc' },
        { field: 'placedAt', direction: 'desc' },
      ],
    },
  ] satisfies IndexSpec[],
} as const;

/**
 * Order history from the `order-*` and `payment-*` streams. Not transactional: a batch is grouped by order, the
 * current documents are loaded once, the events folded in (`evolveOrderHistory`), and the changed documents written
 * with one position-guarded bulk upsert, so a replayed batch changes nothing. A rebuild writes through a
 * `RebuildWriter` (no read-back of what it wrote; blue-green holds documents back until they are quiet).
 *
 * Create one definition per runner: a blue-green rebuild points its definition at the shadow collection until `swap`.
 */
export function createOrderHistoryProjector({ documents }: { readonly documents: DocumentStore }): ProcessorDefinition & {
  ensure(): Promise<void>;
} {
  const target = createDocumentTarget<OrderHistoryDocument>(documents, orderHistoryModel);
  const rebuilding = createRebuildWriter<OrderHistoryDocument>(orderHistoryModel.idField);
  return {
    name: orderHistoryProcessorName,
    filter: { streamPrefixes: ['order-', 'payment-'] },
    batchSize: 2_000,
    transactional: false,
    ensure: () => target.ensure(),

    async handleBatch(events, ctx) {
      const parsed = events.map((e) => toProjectedEvent(e) as OrderHistoryEvent);
      const collection = target.current();
      if (ctx.mode !== 'rebuild' && rebuilding.active()) rebuilding.stop();
      const ids = [...new Set(parsed.map((e) => e.data.orderId))];
      const docs = rebuilding.active()
        ? await rebuilding.load(collection, ids)
        : new Map((await collection.getMany(ids)).map((d) => [d.orderId, d]));
      const changed = new Map<string, OrderHistoryDocument>();
      for (const event of parsed) {
        const before = docs.get(event.data.orderId);
        const after = evolveOrderHistory(before, event);
        if (after === undefined || after === before) continue;
        docs.set(after.orderId, after);
        changed.set(after.orderId, after);
      }
      if (rebuilding.active()) await rebuilding.write(collection, changed);
      else await collection.upsertMany([...changed.values()]);
    },

    rebuild: {
      async prepare({ blueGreen }) {
        await target.prepare(blueGreen);
        rebuilding.start(blueGreen);
      },
      async swap() {
        await rebuilding.flush(target.current());
        rebuilding.stop();
        await target.swap();
      },
    },
  };
}
