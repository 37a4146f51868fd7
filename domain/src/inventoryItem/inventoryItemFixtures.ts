import type { CancellationReason, InventoryItemCommand, InventoryItemEvent } from '@orderflow/schemas';
import { commandMetadata, minutesAfterT0 } from '../testing/commandMetadata.js';

export const sku = 'SNEAKER-42';
export const unitPrice = { amount: 12_000, currency: 'EUR' };
/** Expiry of the reservations in these specs: 15 minutes after `t0`. */
export const expiresAt = minutesAfterT0(15);

type Reservation = { orderId: string; customerId: string; quantity: number };

/** Registered with a limit of 4 per customer and 3 per order. */
export const events = {
  registered: { type: 'SkuRegistered', data: { sku, name: 'Sneaker, size 42', unitPrice, perCustomerLimit: 4, perOrderLimit: 3 } },
  received: (quantity: number): InventoryItemEvent => ({ type: 'StockReceived', data: { sku, quantity } }),
  reserved: (r: Reservation): InventoryItemEvent => ({ type: 'StockReserved', data: { sku, ...r, expiresAt } }),
  committed: (r: Reservation): InventoryItemEvent => ({ type: 'ReservationCommitted', data: { sku, ...r } }),
  released: (r: Reservation, reason: CancellationReason = 'payment_declined'): InventoryItemEvent => ({
    type: 'ReservationReleased',
    data: { sku, ...r, reason },
  }),
  expired: (r: Reservation): InventoryItemEvent => ({ type: 'ReservationExpired', data: { sku, ...r, expiresAt } }),
  rejected: (
    r: Reservation,
    reason: 'unknown_sku' | 'order_limit' | 'customer_limit' | 'insufficient_stock',
    available: number,
  ): InventoryItemEvent => ({
    type: 'ReservationRejected',
    data: { sku, orderId: r.orderId, customerId: r.customerId, requested: r.quantity, reason, available },
  }),
} satisfies Record<string, InventoryItemEvent | ((...args: never[]) => InventoryItemEvent)>;

const admin = { actor: { role: 'admin', id: 'a-1' } } as const;

export const commands = {
  register: (perOrderLimit?: number): InventoryItemCommand => ({
    type: 'RegisterSku',
    data: { sku, name: 'Sneaker, size 42', unitPrice, perCustomerLimit: 4, ...(perOrderLimit === undefined ? {} : { perOrderLimit }) },
    metadata: commandMetadata(admin),
  }),
  change: (changes: Omit<Extract<InventoryItemCommand, { type: 'ChangeSku' }>['data'], 'sku'>): InventoryItemCommand => ({
    type: 'ChangeSku',
    data: { sku, ...changes },
    metadata: commandMetadata(admin),
  }),
  receive: (quantity: number): InventoryItemCommand => ({
    type: 'ReceiveStock',
    data: { sku, quantity },
    metadata: commandMetadata(admin),
  }),
  adjust: (delta: number): InventoryItemCommand => ({
    type: 'AdjustStock',
    data: { sku, delta, reason: 'stock_count' },
    metadata: commandMetadata(admin),
  }),
  reserve: (r: Reservation, now?: string, expiry = expiresAt): InventoryItemCommand => ({
    type: 'ReserveStock',
    data: { sku, ...r, expiresAt: expiry },
    metadata: commandMetadata({ ...(now === undefined ? {} : { now }) }),
  }),
  commit: (orderId: string, now?: string): InventoryItemCommand => ({
    type: 'CommitReservation',
    data: { sku, orderId },
    metadata: commandMetadata({ ...(now === undefined ? {} : { now }) }),
  }),
  release: (orderId: string, reason: CancellationReason = 'payment_declined'): InventoryItemCommand => ({
    type: 'ReleaseReservation',
    data: { sku, orderId, reason },
    metadata: commandMetadata(),
  }),
  expire: (now: string): InventoryItemCommand => ({ type: 'ExpireReservations', data: { sku }, metadata: commandMetadata({ now }) }),
};
