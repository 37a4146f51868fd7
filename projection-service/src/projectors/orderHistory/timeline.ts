import type { TimelineEntry } from '@orderflow/schemas';
import { cancellationInWords, declineInWords, formatMoney } from '../plainWords.js';
import type { OrderHistoryEvent } from './evolveOrderHistory.js';

/** One line in plain words per event; `internal` entries (payment plumbing) are for admins only. */
export function timelineEntry(event: OrderHistoryEvent): TimelineEntry {
  const [visibility, title] = describe(event);
  return { at: event.occurredAt, type: event.type, visibility, title, position: event.position };
}

function describe(event: OrderHistoryEvent): [TimelineEntry['visibility'], string] {
  switch (event.type) {
    case 'OrderPlaced': {
      const items = event.data.lines.reduce((n, l) => n + l.quantity, 0);
      return ['public', `Order placed: ${items} ${items === 1 ? 'item' : 'items'}, ${formatMoney(event.data.total)}`];
    }
    case 'OrderConfirmed':
      return ['public', 'Order confirmed'];
    case 'OrderCancelled':
      return ['public', `Order cancelled because ${cancellationInWords[event.data.reason]}`];
    case 'OrderShipped': {
      const { carrier, trackingNumber } = event.data;
      const via = carrier === undefined ? '' : ` with ${carrier}`;
      return ['public', `Order shipped${via}${trackingNumber === undefined ? '' : ` (tracking number ${trackingNumber})`}`];
    }
    case 'OrderDelivered':
      return ['public', 'Order delivered'];
    case 'OrderRefunded':
      return ['public', `Refund of ${formatMoney(event.data.amount)} issued`];
    case 'PaymentRequested':
      return ['internal', `Payment authorization of ${formatMoney(event.data.amount)} requested`];
    case 'PaymentAuthorized':
      return ['public', `Payment of ${formatMoney(event.data.amount)} authorized`];
    case 'PaymentDeclined':
      return ['internal', `Payment declined: ${declineInWords[event.data.reason]}`];
    case 'PaymentCaptured':
      return ['public', `Payment of ${formatMoney(event.data.amount)} charged`];
    case 'PaymentVoided':
      return ['internal', `Authorization of ${formatMoney(event.data.amount)} voided`];
    case 'PaymentRefunded':
      return ['public', `${formatMoney(event.data.amount)} refunded to your payment method`];
  }
}
