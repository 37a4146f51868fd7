import type { EventOf, EventType } from '../events/eventRegistry.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const order = { orderId: 'o-7f3a', customerId: 'c-1042' };
const reservation = { sku: 'SNEAKER-42', ...order, quantity: 1 };
const entry = { orderId: 'o-7f3a', requestId: 'checkout:o-7f3a:authorize', amount: eur(12_900) };

/** Published event types: those of the `order-`, `inventory-` and `payment-` streams. */
type PublishedEventType = Exclude<EventType, `Checkout${string}`>;

/** One example of the data of every published event type (checked against its schema by a unit test). */
export const eventExamples: { readonly [Type in PublishedEventType]: EventOf<Type>['data'] } = {
  OrderPlaced: {
    ...order,
    lines: [{ sku: 'SNEAKER-42', name: 'Drop sneaker, size 42', quantity: 1, unitPrice: eur(12_900) }],
    total: eur(12_900),
    currency: 'EUR',
    shippingAddress: { name: 'Ada Lovelace', line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
    paymentMethodToken: 'pm_tok_4242abcd',
  },
  OrderConfirmed: { orderId: 'o-7f3a' },
  OrderCancelled: { orderId: 'o-7f3a', reason: 'payment_declined', by: 'system' },
  OrderShipped: { orderId: 'o-7f3a', carrier: 'DHL', trackingNumber: 'JD014600006281230' },
  OrderDelivered: { orderId: 'o-7f3a' },
  OrderRefunded: { orderId: 'o-7f3a', refundId: 'refund-1', amount: eur(12_900), reason: 'returned' },
  SkuRegistered: { sku: 'SNEAKER-42', name: 'Drop sneaker, size 42', unitPrice: eur(12_900), perCustomerLimit: 2, perOrderLimit: 1 },
  SkuPriceChanged: { sku: 'SNEAKER-42', unitPrice: eur(11_900) },
  SkuLimitsChanged: { sku: 'SNEAKER-42', perCustomerLimit: 1, perOrderLimit: null },
  StockReceived: { sku: 'SNEAKER-42', quantity: 100 },
  StockAdjusted: { sku: 'SNEAKER-42', delta: -2, reason: 'damaged', note: 'water damage in aisle 4' },
  StockReserved: { ...reservation, expiresAt: '2026-11-21T10:15:00.000Z' },
  ReservationRejected: { sku: 'SNEAKER-42', ...order, requested: 3, reason: 'customer_limit', available: 2 },
  ReservationCommitted: reservation,
  ReservationReleased: { ...reservation, reason: 'payment_timeout' },
  ReservationExpired: { ...reservation, expiresAt: '2026-11-21T10:15:00.000Z' },
  PaymentRequested: { ...entry, paymentMethodToken: 'pm_tok_4242abcd' },
  PaymentAuthorized: { ...entry, gatewayReference: 'sandbox-auth-8812' },
  PaymentDeclined: { orderId: 'o-7f3a', requestId: 'checkout:o-7f3a:authorize', reason: 'insufficient_funds' },
  PaymentCaptured: { ...entry, requestId: 'checkout:o-7f3a:capture' },
  PaymentVoided: { ...entry, requestId: 'checkout:o-7f3a:void' },
  PaymentRefunded: { ...entry, requestId: 'refund-1' },
};
