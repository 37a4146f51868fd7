import type { Actor, CancellationReason, Money, OrderCommand, OrderEvent, OrderLine } from '@orderflow/schemas';
import { commandMetadata } from '../testing/commandMetadata.js';

export const orderId = 'o-1';
export const customerId = 'c-1';
export const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

const shippingAddress = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
const paymentMethodToken = 'pm_test_visa_4242';
export const sneakers: OrderLine = { sku: 'SNEAKER-42', name: 'Sneaker, size 42', quantity: 2, unitPrice: eur(12_000) };
export const lines: OrderLine[] = [sneakers, { sku: 'CAP-1', name: 'Cap', quantity: 1, unitPrice: eur(1_999) }];

export const customer: Actor = { role: 'customer', id: customerId };
export const admin: Actor = { role: 'admin', id: 'a-1' };

export const events = {
  placed: {
    type: 'OrderPlaced',
    data: { orderId, customerId, lines, total: eur(25_999), currency: 'EUR', shippingAddress, paymentMethodToken },
  },
  confirmed: { type: 'OrderConfirmed', data: { orderId } },
  cancelled: { type: 'OrderCancelled', data: { orderId, reason: 'payment_declined', by: 'system' } },
  shipped: { type: 'OrderShipped', data: { orderId, carrier: 'DHL', trackingNumber: 'JD0001' } },
  delivered: { type: 'OrderDelivered', data: { orderId } },
  refunded: (refundId: string, amount: number): OrderEvent => ({ type: 'OrderRefunded', data: { orderId, refundId, amount: eur(amount) } }),
} satisfies Record<string, OrderEvent | ((...args: never[]) => OrderEvent)>;

export const commands = {
  place: (orderLines: OrderLine[] = lines, currency = 'EUR'): OrderCommand => ({
    type: 'PlaceOrder',
    data: { orderId, customerId, lines: orderLines, currency, shippingAddress, paymentMethodToken },
    metadata: commandMetadata({ actor: customer }),
  }),
  confirm: (): OrderCommand => ({ type: 'ConfirmOrder', data: { orderId }, metadata: commandMetadata() }),
  cancel: (reason: CancellationReason = 'customer_request', actor: Actor = customer): OrderCommand => ({
    type: 'CancelOrder',
    data: { orderId, reason },
    metadata: commandMetadata({ actor }),
  }),
  ship: (): OrderCommand => ({
    type: 'ShipOrder',
    data: { orderId, carrier: 'DHL', trackingNumber: 'JD0001' },
    metadata: commandMetadata({ actor: admin }),
  }),
  deliver: (): OrderCommand => ({ type: 'DeliverOrder', data: { orderId }, metadata: commandMetadata({ actor: admin }) }),
  refund: (refundId: string, amount: number, captured = 25_999, currency = 'EUR'): OrderCommand => ({
    type: 'RefundOrder',
    data: { orderId, refundId, amount: { amount, currency }, captured: eur(captured) },
    metadata: commandMetadata({ actor: admin }),
  }),
};
