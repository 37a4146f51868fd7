import { describe, expect, it } from 'vitest';
import { type AnyEvent, eventRegistry, type EventType, eventTypes, isEventType } from './eventRegistry.js';
import { parseEvent } from './parseEvent.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const sku = 'SNEAKER-42';
const reservation = { sku, orderId: 'o-1', customerId: 'c-1', quantity: 2 };
const expiresAt = '2026-11-21T10:15:00.000Z';
const entry = { orderId: 'o-1', requestId: 'auth-1', amount: eur(10_000) };

/** One realistic event of every type; the type annotation fails to compile when a type is missing. */
const samples: { [Type in EventType]: Extract<AnyEvent, { type: Type }>['data'] } = {
  OrderPlaced: {
    orderId: 'o-1',
    customerId: 'c-1',
    lines: [{ sku, name: 'Sneaker', quantity: 2, unitPrice: eur(5_000) }],
    total: eur(10_000),
    currency: 'EUR',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' },
    paymentMethodToken: 'pm_test_visa_4242',
  },
  OrderConfirmed: { orderId: 'o-1' },
  OrderCancelled: { orderId: 'o-1', reason: 'payment_timeout', by: 'system' },
  OrderShipped: { orderId: 'o-1', carrier: 'DHL' },
  OrderDelivered: { orderId: 'o-1' },
  OrderRefunded: { orderId: 'o-1', refundId: 'r-1', amount: eur(500) },
  SkuRegistered: { sku, name: 'Sneaker', unitPrice: eur(5_000), perCustomerLimit: 2, perOrderLimit: null },
  SkuPriceChanged: { sku, unitPrice: eur(4_500) },
  SkuLimitsChanged: { sku, perCustomerLimit: 1, perOrderLimit: 1 },
  StockReceived: { sku, quantity: 100 },
  StockAdjusted: { sku, delta: -3, reason: 'damaged' },
  StockReserved: { ...reservation, expiresAt },
  ReservationRejected: { sku, orderId: 'o-2', customerId: 'c-1', requested: 3, reason: 'customer_limit', available: 1 },
  ReservationCommitted: reservation,
  ReservationReleased: { ...reservation, reason: 'payment_declined' },
  ReservationExpired: { ...reservation, expiresAt },
  PaymentRequested: { ...entry, paymentMethodToken: 'pm_test_visa_4242' },
  PaymentAuthorized: entry,
  PaymentDeclined: { orderId: 'o-1', requestId: 'auth-1', reason: 'card_declined' },
  PaymentCaptured: { ...entry, requestId: 'cap-1' },
  PaymentVoided: { ...entry, requestId: 'void-1' },
  PaymentRefunded: { ...entry, requestId: 'ref-1' },
  CheckoutStarted: {
    orderId: 'o-1',
    inputId: 'e:1',
    phase: 'reserving',
    effects: [{ kind: 'reserve', sku, customerId: 'c-1', quantity: 2, expiresAt }],
    timersSet: [{ kind: 'reservation', dueAt: expiresAt }],
    timersCancelled: [],
    customerId: 'c-1',
    lines: [{ sku, quantity: 2 }],
    total: eur(10_000),
    paymentMethodToken: 'pm_test_visa_4242',
  },
  CheckoutAdvanced: {
    orderId: 'o-1',
    inputId: 'e:2',
    input: { kind: 'reservation_rejected', sku, reason: 'insufficient_stock', requested: 2, available: 1 },
    phase: 'compensating',
    effects: [{ kind: 'cancel_order', reason: 'out_of_stock', detail: 'SNEAKER-42: 1 available' }],
    timersSet: [],
    timersCancelled: [{ kind: 'reservation', dueAt: expiresAt }],
    cancellation: { reason: 'out_of_stock' },
  },
};

describe('eventRegistry', () => {
  it.each(eventTypes)('%s: a realistic event survives a JSON round trip through its schema', (type) => {
    const stored = JSON.parse(JSON.stringify({ type, data: samples[type] })) as { type: string; data: unknown };
    expect(parseEvent({ ...stored, metadata: { schemaVersion: eventRegistry[type].schemaVersion } })).toEqual({
      type,
      data: samples[type],
    });
  });

  it('refuses money in fractions of a minor unit', () => {
    expect(
      eventRegistry.OrderRefunded.schema.safeParse({ type: 'OrderRefunded', data: { ...samples.OrderRefunded, amount: eur(0.5) } }).success,
    ).toBe(false);
  });
  it('refuses a machine-readable reason it does not know', () => {
    expect(
      eventRegistry.OrderCancelled.schema.safeParse({ type: 'OrderCancelled', data: { ...samples.OrderCancelled, reason: 'bored' } })
        .success,
    ).toBe(false);
  });
  it('knows its own types only', () => {
    expect(isEventType('StockReserved')).toBe(true);
    expect(isEventType('toString')).toBe(false);
  });
});
