import type { Money, Notification, NotificationKind } from '@orderflow/schemas';
import { cancellationInWords, formatMoney } from '../plainWords.js';
import type { ProjectedEvent } from '../projectedEvent.js';

export type CustomerFacingEvent = ProjectedEvent<'OrderConfirmed' | 'OrderCancelled' | 'OrderShipped' | 'OrderDelivered' | 'OrderRefunded'>;

export const customerFacing: ReadonlySet<string> = new Set([
  'OrderConfirmed',
  'OrderCancelled',
  'OrderShipped',
  'OrderDelivered',
  'OrderRefunded',
]);

/** What the templates know of an order besides the event: from its OrderPlaced. */
export type OrderFacts = {
  readonly customerId: string;
  readonly total: Money;
};

type Rendered = Pick<Notification, 'kind' | 'title' | 'body'>;

/** The templates, one per customer-facing event, in plain words. */
export function render(event: CustomerFacingEvent, order: OrderFacts): Rendered {
  const id = event.data.orderId;
  const kind = (k: NotificationKind, title: string, body: string): Rendered => ({ kind: k, title, body });
  switch (event.type) {
    case 'OrderConfirmed':
      return kind(
        'order_confirmed',
        'Your order is confirmed',
        `We have your order ${id} (${formatMoney(order.total)}) and your payment went through. We will tell you when it ships.`,
      );
    case 'OrderCancelled':
      return kind(
        'order_cancelled',
        'Your order was cancelled',
        `Your order ${id} was cancelled because ${cancellationInWords[event.data.reason]}.`,
      );
    case 'OrderShipped': {
      const { carrier, trackingNumber } = event.data;
      const via = carrier === undefined ? '' : ` with ${carrier}`;
      const tracking = trackingNumber === undefined ? '' : ` Your tracking number is ${trackingNumber}.`;
      return kind('order_shipped', 'Your order is on its way', `Your order ${id} has shipped${via}.${tracking}`);
    }
    case 'OrderDelivered':
      return kind('order_delivered', 'Your order was delivered', `Your order ${id} was delivered. We hope you enjoy it.`);
    case 'OrderRefunded':
      return kind(
        'order_refunded',
        'You have been refunded',
        `We refunded ${formatMoney(event.data.amount)} for your order ${id}. It can take a few days to show on your statement.`,
      );
  }
}
