import type { RecordedEvent } from '@orderflow/platform';
import { parseEvent, type CheckoutInput, type CheckoutTimer } from '@orderflow/schemas';

/** The event types the checkout reacts to (the server-side filter of its subscription). */
export const checkoutInputTypes = [
  'OrderPlaced',
  'OrderConfirmed',
  'OrderCancelled',
  'OrderRefunded',
  'StockReserved',
  'ReservationRejected',
  'ReservationCommitted',
  'ReservationReleased',
  'ReservationExpired',
  'PaymentAuthorized',
  'PaymentDeclined',
  'PaymentCaptured',
  'PaymentVoided',
  'PaymentRefunded',
] as const;

export interface RoutedInput {
  readonly orderId: string;
  readonly inputId: string;
  readonly input: CheckoutInput;
  readonly traceparent?: string;
}

function route(orderId: string, input: CheckoutInput, recorded: RecordedEvent): RoutedInput {
  const { traceparent } = recorded.metadata;
  // The event id names the input: a redelivered event is the same input.
  return { orderId, inputId: `e:${recorded.metadata.eventId}`, input, ...(traceparent === undefined ? {} : { traceparent }) };
}

/** The checkout input an event of the log stands for, and whose checkout it is (`undefined`: not the checkout's business). */
export function toCheckoutInput(recorded: RecordedEvent): RoutedInput | undefined {
  const event = parseEvent(recorded);
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, lines, total, paymentMethodToken } = event.data;
      const orderLines = lines.map(({ sku, quantity }) => ({ sku, quantity }));
      return route(orderId, { kind: 'order_placed', customerId, lines: orderLines, total, paymentMethodToken }, recorded);
    }
    case 'OrderConfirmed':
      return route(event.data.orderId, { kind: 'order_confirmed' }, recorded);
    case 'OrderCancelled':
      return route(event.data.orderId, { kind: 'order_cancelled', reason: event.data.reason, by: event.data.by }, recorded);
    case 'OrderRefunded': {
      const { orderId, refundId, amount } = event.data;
      return route(orderId, { kind: 'order_refunded', refundId, amount }, recorded);
    }
    case 'StockReserved':
      return route(event.data.orderId, { kind: 'stock_reserved', sku: event.data.sku }, recorded);
    case 'ReservationRejected': {
      const { orderId, sku, reason, requested, available } = event.data;
      return route(orderId, { kind: 'reservation_rejected', sku, reason, requested, available }, recorded);
    }
    case 'ReservationCommitted':
      return route(event.data.orderId, { kind: 'reservation_committed', sku: event.data.sku }, recorded);
    case 'ReservationReleased':
    case 'ReservationExpired':
      return route(event.data.orderId, { kind: 'reservation_released', sku: event.data.sku }, recorded);
    case 'PaymentAuthorized': {
      const { orderId, amount, gatewayReference } = event.data;
      return route(
        orderId,
        { kind: 'payment_authorized', amount, ...(gatewayReference === undefined ? {} : { gatewayReference }) },
        recorded,
      );
    }
    case 'PaymentDeclined':
      return route(event.data.orderId, { kind: 'payment_declined', reason: event.data.reason }, recorded);
    case 'PaymentCaptured':
      return route(event.data.orderId, { kind: 'payment_captured', amount: event.data.amount }, recorded);
    case 'PaymentVoided':
      return route(event.data.orderId, { kind: 'payment_voided', amount: event.data.amount }, recorded);
    case 'PaymentRefunded':
      return route(event.data.orderId, { kind: 'payment_refunded', amount: event.data.amount, requestId: event.data.requestId }, recorded);
    default:
      return undefined;
  }
}

/** A timer's input id: the same timer firing twice is one input. */
export function timerInputId(timer: CheckoutTimer): string {
  return `t:${timer.kind}:${Date.parse(timer.dueAt)}`;
}
