import type { RecordedEvent } from '@orderflow/platform';
import { parseEvent, type CheckoutInput, type CheckoutTimer } from '@orderflow/schemas';

type DomainEventOf = ReturnType<typeof parseEvent>;

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

/** The input id of an event: a redelivered event is the same input, whether it came from the log or from the step that appended it. */
export const eventInputId = (eventId: string) => `e:${eventId}`;

/** The checkout input an event of the log stands for, and whose checkout it is (`undefined`: not the checkout's business). */
export function toCheckoutInput(recorded: RecordedEvent): RoutedInput | undefined {
  return routeEvent(parseEvent(recorded), recorded.metadata.eventId, recorded.metadata.traceparent);
}

/** The same for an event known by its type, data and id (one a step has just appended). */
export function routeEvent(event: DomainEventOf, eventId: string, traceparent?: string): RoutedInput | undefined {
  const route = (orderId: string, input: CheckoutInput): RoutedInput => ({
    orderId,
    inputId: eventInputId(eventId),
    input,
    ...(traceparent === undefined ? {} : { traceparent }),
  });
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, lines, total, paymentMethodToken } = event.data;
      const orderLines = lines.map(({ sku, quantity }) => ({ sku, quantity }));
      return route(orderId, { kind: 'order_placed', customerId, lines: orderLines, total, paymentMethodToken });
    }
    case 'OrderConfirmed':
      return route(event.data.orderId, { kind: 'order_confirmed' });
    case 'OrderCancelled':
      return route(event.data.orderId, { kind: 'order_cancelled', reason: event.data.reason, by: event.data.by });
    case 'OrderRefunded': {
      const { orderId, refundId, amount } = event.data;
      return route(orderId, { kind: 'order_refunded', refundId, amount });
    }
    case 'StockReserved':
      return route(event.data.orderId, { kind: 'stock_reserved', sku: event.data.sku });
    case 'ReservationRejected': {
      const { orderId, sku, reason, requested, available } = event.data;
      return route(orderId, { kind: 'reservation_rejected', sku, reason, requested, available });
    }
    case 'ReservationCommitted':
      return route(event.data.orderId, { kind: 'reservation_committed', sku: event.data.sku });
    case 'ReservationReleased':
    case 'ReservationExpired':
      return route(event.data.orderId, { kind: 'reservation_released', sku: event.data.sku });
    case 'PaymentAuthorized': {
      const { orderId, amount, gatewayReference } = event.data;
      return route(orderId, { kind: 'payment_authorized', amount, ...(gatewayReference === undefined ? {} : { gatewayReference }) });
    }
    case 'PaymentDeclined':
      return route(event.data.orderId, { kind: 'payment_declined', reason: event.data.reason });
    case 'PaymentCaptured':
      return route(event.data.orderId, { kind: 'payment_captured', amount: event.data.amount });
    case 'PaymentVoided':
      return route(event.data.orderId, { kind: 'payment_voided', amount: event.data.amount });
    case 'PaymentRefunded':
      return route(event.data.orderId, { kind: 'payment_refunded', amount: event.data.amount, requestId: event.data.requestId });
    default:
      return undefined;
  }
}

/** A timer's input id: the same timer firing twice is one input. */
export function timerInputId(timer: CheckoutTimer): string {
  return `t:${timer.kind}:${Date.parse(timer.dueAt)}`;
}
