import type { OrderHistoryDocument, PaymentStatus, TimelineEntry } from '@orderflow/schemas';
import type { ProjectedEvent } from '../projectedEvent.js';
import { timelineEntry } from './timeline.js';

export type OrderHistoryEvent = ProjectedEvent<
  | 'OrderPlaced'
  | 'OrderConfirmed'
  | 'OrderCancelled'
  | 'OrderShipped'
  | 'OrderDelivered'
  | 'OrderRefunded'
  | 'PaymentRequested'
  | 'PaymentAuthorized'
  | 'PaymentDeclined'
  | 'PaymentCaptured'
  | 'PaymentVoided'
  | 'PaymentRefunded'
>;

/**
 * Folds one order or payment event into the order's document. Pure. An event at or before the document's
 * `lastPosition` changes nothing (replays), and so does anything that arrives before the order was placed.
 * Status moves as in the Order decider (domain/src/order/order.ts).
 */
export function evolveOrderHistory(doc: OrderHistoryDocument | undefined, event: OrderHistoryEvent): OrderHistoryDocument | undefined {
  if (doc === undefined) return event.type === 'OrderPlaced' ? placed(event) : undefined;
  if (event.position <= doc.lastPosition || event.type === 'OrderPlaced') return doc;
  // One copy of the document for the moved fields, its timeline and its position (a rebuild runs this per event).
  return {
    ...apply(doc, event),
    updatedAt: event.occurredAt,
    lastPosition: event.position,
    timeline: [...doc.timeline, timelineEntry(event)],
  };
}

function placed(event: ProjectedEvent<'OrderPlaced'>): OrderHistoryDocument {
  const { orderId, customerId, lines, total, currency } = event.data;
  const entry: TimelineEntry = timelineEntry(event);
  return {
    orderId,
    customerId,
    status: 'placed',
    placedAt: event.occurredAt,
    updatedAt: event.occurredAt,
    lines: lines.map((l) => ({ ...l, lineTotal: { amount: l.unitPrice.amount * l.quantity, currency: l.unitPrice.currency } })),
    total,
    currency,
    payment: { status: 'none', authorized: 0, captured: 0, refunded: 0 },
    timeline: [entry],
    lastPosition: event.position,
  };
}

function apply(doc: OrderHistoryDocument, event: OrderHistoryEvent): OrderHistoryDocument {
  const { payment } = doc;
  switch (event.type) {
    case 'OrderPlaced':
      return doc;
    case 'OrderConfirmed':
      return doc.status === 'placed' ? { ...doc, status: 'confirmed' } : doc;
    case 'OrderCancelled': {
      const { reason, detail, by } = event.data;
      return {
        ...doc,
        status: 'cancelled',
        cancellation: { reason, ...(detail === undefined ? {} : { detail }), by, at: event.occurredAt },
      };
    }
    case 'OrderShipped': {
      if (doc.status !== 'confirmed') return doc;
      const { carrier, trackingNumber } = event.data;
      const shipment = {
        ...(carrier === undefined ? {} : { carrier }),
        ...(trackingNumber === undefined ? {} : { trackingNumber }),
        at: event.occurredAt,
      };
      return { ...doc, status: 'shipped', shipment };
    }
    case 'OrderDelivered':
      return doc.status === 'shipped' ? { ...doc, status: 'delivered', deliveredAt: event.occurredAt } : doc;
    case 'OrderRefunded':
      // The amounts move with PaymentRefunded; the order's own event only adds to the timeline.
      return doc;
    case 'PaymentRequested':
      return { ...doc, payment: { ...payment, status: 'requested' } };
    case 'PaymentAuthorized':
      return { ...doc, payment: { ...payment, status: 'authorized', authorized: event.data.amount.amount } };
    case 'PaymentDeclined':
      return { ...doc, payment: { ...payment, status: 'declined', declineReason: event.data.reason } };
    case 'PaymentCaptured':
      return { ...doc, payment: { ...payment, status: 'captured', captured: payment.captured + event.data.amount.amount } };
    case 'PaymentVoided':
      return { ...doc, payment: { ...payment, status: payment.captured > 0 ? payment.status : 'voided' } };
    case 'PaymentRefunded': {
      const refunded = payment.refunded + event.data.amount.amount;
      const status: PaymentStatus = refunded >= payment.captured ? 'refunded' : 'partially_refunded';
      return { ...doc, payment: { ...payment, status, refunded } };
    }
  }
}
