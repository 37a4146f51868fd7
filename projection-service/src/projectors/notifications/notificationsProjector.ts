import type { DocumentStore, IndexSpec, ProcessorDefinition } from '@orderflow/platform';
import type { Notification } from '@orderflow/schemas';
import { createDocumentTarget } from '../documentTarget.js';
import { toProjectedEvent } from '../projectedEvent.js';
import { customerFacing, render, type CustomerFacingEvent, type OrderFacts } from './templates.js';

export const notificationsProcessorName = 'notifications';

/** Collection `notifications`: id = the source event's id, guarded by `position` (stable names). */
export const notificationsModel = {
  name: 'notifications',
  idField: 'id',
  positionField: 'position',
  indexes: [
    {
      name: 'by_customer_date',
      fields: [
        { field: 'customerId', direction: 'asc' },
        { field: 'createdAt', direction: 'desc' },
      ],
    },
    {
      name: 'by_customer_read_date',
      fields: [
        { field: 'customerId', direction: 'asc' },
        { field: 'read', direction: 'asc' },
        { field: 'createdAt', direction: 'desc' },
      ],
    },
  ] satisfies IndexSpec[],
} as const;

/** Who placed each order (from OrderPlaced): later order events do not name the customer. Never rebuilt: it cannot change. */
type OrderRecipient = OrderFacts & { readonly orderId: string; readonly position: string };
const recipientsModel = { name: 'notification_orders', idField: 'orderId', positionField: 'position' } as const;

/**
 * Notifications from the `order-*` streams: one per customer-facing event, rendered from a template. `read` is the
 * customer's: written only when an entry is created, so replays keep it; a rebuild carries it over from the entries
 * it replaces.
 */
export function createNotificationsProjector({ documents }: { readonly documents: DocumentStore }): ProcessorDefinition & {
  ensure(): Promise<void>;
} {
  const target = createDocumentTarget<Notification>(documents, notificationsModel);
  const recipients = documents.collection<OrderRecipient>(recipientsModel.name, recipientsModel);
  /** During a rebuild: the entries that were read in the model being replaced. */
  let readBefore = new Set<string>();

  async function collectRead(): Promise<Set<string>> {
    const read = new Set<string>();
    for (let after: { value: string; id: string } | undefined; ;) {
      const page = await target.live.find({
        where: { read: true },
        sort: { field: 'createdAt', direction: 'asc' },
        limit: 1000,
        ...(after && { after }),
      });
      for (const n of page) read.add(n.id);
      const last = page.at(-1);
      if (last === undefined || page.length < 1000) return read;
      after = { value: last.createdAt, id: last.id };
    }
  }

  return {
    name: notificationsProcessorName,
    filter: { streamPrefixes: ['order-'] },
    batchSize: 2_000,
    transactional: false,
    async ensure() {
      await target.ensure();
      await recipients.ensure();
    },

    async handleBatch(events) {
      const parsed = events.map(toProjectedEvent);
      const known = new Map<string, OrderRecipient>();
      const placed: OrderRecipient[] = [];
      for (const e of parsed)
        if (e.type === 'OrderPlaced') {
          const recipient = { orderId: e.data.orderId, customerId: e.data.customerId, total: e.data.total, position: e.position };
          known.set(recipient.orderId, recipient);
          placed.push(recipient);
        }
      const facing = parsed.filter((e): e is CustomerFacingEvent => customerFacing.has(e.type));
      const missing = [...new Set(facing.map((e) => e.data.orderId))].filter((id) => !known.has(id));
      const notify = async () => {
        for (const r of await recipients.getMany(missing)) known.set(r.orderId, r);
        const notifications = facing.map((event): Notification => {
          const order = known.get(event.data.orderId);
          if (order === undefined) throw new Error(`no OrderPlaced seen for order ${event.data.orderId} (${event.type} ${event.eventId})`);
          return {
            id: event.eventId,
            customerId: order.customerId,
            orderId: event.data.orderId,
            ...render(event, order),
            createdAt: event.occurredAt,
            read: readBefore.has(event.eventId),
            position: event.position,
          };
        });
        await target.current().upsertMany(notifications, { insertOnly: ['read'] });
      };
      // The batch's new recipients and its notifications are written side by side (the notifications of this batch's
      // orders take their recipient from the batch itself). Both finish before the batch does, even when one fails:
      // the retry that follows must not race a write still under way (one writer per document); both are idempotent.
      const [saved, notified] = await Promise.allSettled([recipients.upsertMany(placed), notify()]);
      if (saved.status === 'rejected') throw saved.reason;
      if (notified.status === 'rejected') throw notified.reason;
    },

    rebuild: {
      async prepare({ blueGreen }) {
        await target.ensure();
        readBefore = await collectRead();
        await recipients.ensure();
        await target.prepare(blueGreen);
      },
      async swap() {
        // Entries read while the shadow was filling: carry them over just before the swap.
        const shadow = target.current();
        for (const id of await collectRead()) if (!readBefore.has(id)) await shadow.update(id, { read: true });
        await target.swap();
        readBefore = new Set();
      },
    },
  };
}
