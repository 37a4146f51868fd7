import { type z } from 'zod';
import { CheckoutAdvanced, CheckoutStarted } from './checkoutEvents.js';
import {
  ReservationCommitted,
  ReservationExpired,
  ReservationRejected,
  ReservationReleased,
  SkuLimitsChanged,
  SkuPriceChanged,
  SkuRegistered,
  StockAdjusted,
  StockReceived,
  StockReserved,
} from './inventoryEvents.js';
import { OrderCancelled, OrderConfirmed, OrderDelivered, OrderPlaced, OrderRefunded, OrderShipped } from './orderEvents.js';
import { PaymentAuthorized, PaymentCaptured, PaymentDeclined, PaymentRefunded, PaymentRequested, PaymentVoided } from './paymentEvents.js';

/**
 * Every event type, its current schema and its current schema version (written into the envelope's metadata).
 * A changed shape bumps the version and adds an upcaster in `upcast.ts`; history is never edited.
 */
export const eventRegistry = {
  OrderPlaced: { schema: OrderPlaced, schemaVersion: 2 },
  OrderConfirmed: { schema: OrderConfirmed, schemaVersion: 1 },
  OrderCancelled: { schema: OrderCancelled, schemaVersion: 1 },
  OrderShipped: { schema: OrderShipped, schemaVersion: 1 },
  OrderDelivered: { schema: OrderDelivered, schemaVersion: 1 },
  OrderRefunded: { schema: OrderRefunded, schemaVersion: 1 },
  SkuRegistered: { schema: SkuRegistered, schemaVersion: 1 },
  SkuPriceChanged: { schema: SkuPriceChanged, schemaVersion: 1 },
  SkuLimitsChanged: { schema: SkuLimitsChanged, schemaVersion: 1 },
  StockReceived: { schema: StockReceived, schemaVersion: 1 },
  StockAdjusted: { schema: StockAdjusted, schemaVersion: 1 },
  StockReserved: { schema: StockReserved, schemaVersion: 1 },
  ReservationRejected: { schema: ReservationRejected, schemaVersion: 1 },
  ReservationCommitted: { schema: ReservationCommitted, schemaVersion: 1 },
  ReservationReleased: { schema: ReservationReleased, schemaVersion: 1 },
  ReservationExpired: { schema: ReservationExpired, schemaVersion: 1 },
  PaymentRequested: { schema: PaymentRequested, schemaVersion: 1 },
  PaymentAuthorized: { schema: PaymentAuthorized, schemaVersion: 1 },
  PaymentDeclined: { schema: PaymentDeclined, schemaVersion: 1 },
  PaymentCaptured: { schema: PaymentCaptured, schemaVersion: 1 },
  PaymentVoided: { schema: PaymentVoided, schemaVersion: 1 },
  PaymentRefunded: { schema: PaymentRefunded, schemaVersion: 1 },
  CheckoutStarted: { schema: CheckoutStarted, schemaVersion: 1 },
  CheckoutAdvanced: { schema: CheckoutAdvanced, schemaVersion: 1 },
} as const;

export type EventType = keyof typeof eventRegistry;

/** Any event of any stream, discriminated by `type`. */
export type AnyEvent = z.infer<(typeof eventRegistry)[EventType]['schema']>;

/** The event of one type, e.g. `EventOf<'StockReserved'>`. */
export type EventOf<Type extends EventType> = Extract<AnyEvent, { type: Type }>;

export const eventTypes = Object.keys(eventRegistry) as readonly EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventRegistry, type);
}
