import { z } from 'zod';
import { CustomerId, OrderId, Timestamp } from '../common/scalars.js';

export const NotificationKind = z.enum(['order_confirmed', 'order_cancelled', 'order_shipped', 'order_delivered', 'order_refunded']);
export type NotificationKind = z.infer<typeof NotificationKind>;

/**
 * The notifications read model (MongoDB collection `notifications`, or PostgreSQL JSONB embedded): one entry per
 * customer-facing event, rendered from a template in plain words. `id` is the source event's id, so a replay upserts
 * the same entry; `read` is the customer's state (set through the query API, kept across rebuilds).
 */
export const Notification = z.strictObject({
  id: z.string(),
  customerId: CustomerId,
  orderId: OrderId,
  kind: NotificationKind,
  title: z.string(),
  body: z.string(),
  createdAt: Timestamp,
  read: z.boolean(),
  position: z.string(),
});
export type Notification = z.infer<typeof Notification>;
