import { InventoryItemEvent } from '../events/inventoryEvents.js';
import { OrderEvent } from '../events/orderEvents.js';
import { PaymentEvent } from '../events/paymentEvents.js';

/**
 * The aggregate categories published to Kafka: one topic each (`orderflow.<category>.v<major>`), keyed by the
 * stream id. `checkout-<orderId>` streams are the saga's internal inbox/outbox and are not published.
 */
export const eventCategories = [
  { category: 'orders', streamPrefix: 'order-', aggregate: 'Order', union: OrderEvent },
  { category: 'inventory', streamPrefix: 'inventory-', aggregate: 'InventoryItem', union: InventoryItemEvent },
  { category: 'payments', streamPrefix: 'payment-', aggregate: 'Payment', union: PaymentEvent },
] as const;

/**
 * Event types of the internal `checkout-*` streams (the saga's inbox/outbox), deliberately left out of Kafka and
 * the catalog. A registered type must be in a category's union or here, or the catalog test fails.
 */
export const internalEventTypes: readonly string[] = ['CheckoutStarted', 'CheckoutAdvanced'];
