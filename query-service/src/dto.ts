import { CatalogItem, Notification, OrderHistoryDocument, OrderId, OrderStatus, Sku, TimelineEntry, Timestamp } from '@orderflow/schemas';
import type { OrderHistoryDocument as OrderDocument } from '@orderflow/schemas';
import type { Principal } from '@orderflow/platform';
import { z } from 'zod';

/** The answers of the query API, derived from the read-model documents (schemas/readModels). */
export const OrderView = OrderHistoryDocument.describe('An order as projected; customers see only the public timeline entries.');

export const OrderSummary = OrderHistoryDocument.pick({
  orderId: true,
  customerId: true,
  status: true,
  placedAt: true,
  updatedAt: true,
  total: true,
}).extend({ lineCount: z.int().nonnegative(), paymentStatus: OrderHistoryDocument.shape.payment.shape.status });
export type OrderSummary = z.infer<typeof OrderSummary>;

const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null at the end.'),
  });

export const OrderPage = page(OrderSummary);
export const NotificationPage = page(Notification);
export const CatalogPage = z.strictObject({ items: z.array(CatalogItem), nextAfter: Sku.nullable() });
export const TimelineView = z.strictObject({ orderId: OrderId, status: OrderStatus, entries: z.array(TimelineEntry) });

/** One `order` event of the live stream: the order's status now, and the timeline entries since the last event. */
export const LiveOrderEvent = z.strictObject({
  orderId: OrderId,
  status: OrderStatus,
  updatedAt: Timestamp,
  position: z.string(),
  changes: z.array(TimelineEntry),
});
export type LiveOrderEvent = z.infer<typeof LiveOrderEvent>;

export const OrderListQuery = z.strictObject({
  status: OrderStatus.optional(),
  from: Timestamp.optional().describe('placedAt at or after (inclusive)'),
  to: Timestamp.optional().describe('placedAt before (exclusive)'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** What `principal` may see of an order: everything for admins, the public timeline for its customer. */
export function visibleTo(principal: Principal, order: OrderDocument): OrderDocument {
  return principal.role === 'admin' ? order : { ...order, timeline: order.timeline.filter((e) => e.visibility === 'public') };
}

const rendered = new WeakMap<OrderDocument, Partial<Record<Principal['role'], string>>>();

/**
 * The order's JSON for `principal`'s role, checked against `OrderView` and rendered once per document object: the
 * order cache hands out the same object until the checkpoint moves, so hot orders are not re-validated and
 * re-serialised on every read.
 */
export function renderOrder(principal: Principal, order: OrderDocument): string {
  let views = rendered.get(order);
  if (views === undefined) {
    views = {};
    rendered.set(order, views);
  }
  return (views[principal.role] ??= JSON.stringify(OrderView.parse(visibleTo(principal, order))));
}

export function summaryOf(order: OrderDocument): OrderSummary {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    placedAt: order.placedAt,
    updatedAt: order.updatedAt,
    total: order.total,
    lineCount: order.lines.length,
    paymentStatus: order.payment.status,
  };
}
