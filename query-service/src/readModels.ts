import type { DocumentStore } from '@orderflow/platform';
import type { CatalogItem, Notification, OrderHistoryDocument, OrderStatus } from '@orderflow/schemas';

/** Where a page of orders starts: strictly after this key in (placedAt desc, orderId desc) order. */
export interface OrderKey {
  readonly placedAt: string;
  readonly orderId: string;
}

export interface OrderFilter {
  /** Only this customer's orders (always set for a customer caller). */
  readonly customerId?: string;
  readonly status?: OrderStatus;
  /** placedAt ≥ from (inclusive). */
  readonly from?: string;
  /** placedAt < to (exclusive). */
  readonly to?: string;
}

/**
 * The reads the query API needs, and nothing else (one narrow port over the read models): order history and
 * notifications from the document store (MongoDB or PostgreSQL JSONB), the catalog from PostgreSQL.
 * Lists come back newest first with a stable tie-break, so keyset pages never skip or repeat.
 */
export interface ReadModels {
  getOrder(orderId: string): Promise<OrderHistoryDocument | undefined>;
  /** Up to `limit` orders matching `filter`, newest first (placedAt desc, orderId desc), strictly after `after`. */
  listOrders(filter: OrderFilter, after: OrderKey | undefined, limit: number): Promise<OrderHistoryDocument[]>;
  getCatalogItem(sku: string): Promise<CatalogItem | undefined>;
  /** Up to `limit` SKUs in SKU order, strictly after `afterSku`. */
  listCatalog(afterSku: string | undefined, limit: number): Promise<CatalogItem[]>;
  /** The customer's notifications, newest first (createdAt desc, id desc), strictly after `after`. */
  listNotifications(
    customerId: string,
    options: { readonly unread?: boolean; readonly after?: { readonly createdAt: string; readonly id: string }; readonly limit: number },
  ): Promise<Notification[]>;
  /** Marks the customer's notification read; `undefined` when the customer has no notification `id`. */
  markNotificationRead(customerId: string, id: string): Promise<Notification | undefined>;
}

/** The catalog half of the read models (PostgreSQL in both topologies). */
export type CatalogReader = Pick<ReadModels, 'getCatalogItem' | 'listCatalog'>;

/** The collections the projectors write (projection-service): names and id / position members. */
export const collections = {
  orders: { name: 'order_history', idField: 'orderId', positionField: 'lastPosition' },
  notifications: { name: 'notifications', idField: 'id', positionField: 'position' },
} as const;

/** The read models over the document-store port (MongoDB or PostgreSQL JSONB) and a catalog reader. */
export function createReadModels(documents: DocumentStore, catalog: CatalogReader): ReadModels {
  const { orders: o, notifications: n } = collections;
  const orders = documents.collection<OrderHistoryDocument>(o.name, { idField: o.idField, positionField: o.positionField });
  const notifications = documents.collection<Notification>(n.name, { idField: n.idField, positionField: n.positionField });
  return {
    getOrder: (orderId) => orders.get(orderId),
    listOrders: (filter, after, limit) =>
      orders.find({
        where: {
          ...(filter.customerId === undefined ? {} : { customerId: filter.customerId }),
          ...(filter.status === undefined ? {} : { status: filter.status }),
        },
        sort: { field: 'placedAt', direction: 'desc' },
        range: { ...(filter.from === undefined ? {} : { from: filter.from }), ...(filter.to === undefined ? {} : { to: filter.to }) },
        ...(after === undefined ? {} : { after: { value: after.placedAt, id: after.orderId } }),
        limit,
      }),
    getCatalogItem: (sku) => catalog.getCatalogItem(sku),
    listCatalog: (afterSku, limit) => catalog.listCatalog(afterSku, limit),
    listNotifications: (customerId, { unread, after, limit }) =>
      notifications.find({
        where: { customerId, ...(unread === undefined ? {} : { read: !unread }) },
        sort: { field: 'createdAt', direction: 'desc' },
        ...(after === undefined ? {} : { after: { value: after.createdAt, id: after.id } }),
        limit,
      }),
    async markNotificationRead(customerId, id) {
      const found = await notifications.get(id);
      if (found?.customerId !== customerId) return undefined;
      if (!found.read) await notifications.update(id, { read: true });
      return { ...found, read: true };
    },
  };
}
