import type { InventoryItemEvent, Money, RejectionReason } from '@orderflow/schemas';

/** The outcome of one order's reservation request; kept after it ends, so a repeated request is recognised. */
export type ReservationRecord =
  | {
      readonly status: 'live' | 'committed' | 'released' | 'expired';
      readonly customerId: string;
      readonly quantity: number;
      readonly expiresAt: string;
    }
  | { readonly status: 'rejected'; readonly customerId: string; readonly quantity: number; readonly reason: RejectionReason };

/** A SKU nobody registered; it can still have turned reservations away (`unknown_sku`). */
export interface UnregisteredItem {
  readonly status: 'unregistered';
  readonly reservations: Readonly<Record<string, ReservationRecord>>;
}

export interface RegisteredItem {
  readonly status: 'registered';
  readonly sku: string;
  readonly name: string;
  readonly unitPrice: Money;
  readonly perCustomerLimit: number;
  readonly perOrderLimit: number | null;
  readonly onHand: number;
  /** Units held by live reservations; `onHand - reserved` is what can still be reserved, never negative. */
  readonly reserved: number;
  /** By order id. */
  readonly reservations: Readonly<Record<string, ReservationRecord>>;
  /** By customer id: units in live reservations plus units sold (committed), across all of their orders. */
  readonly heldByCustomer: Readonly<Record<string, number>>;
}

export type InventoryItemState = UnregisteredItem | RegisteredItem;

export const initialState = (): InventoryItemState => ({ status: 'unregistered', reservations: {} });

export function availableStock(item: RegisteredItem): number {
  return item.onHand - item.reserved;
}

function settle(item: RegisteredItem, orderId: string, status: 'committed' | 'released' | 'expired'): RegisteredItem['reservations'] {
  const record = item.reservations[orderId];
  if (record?.status !== 'live') return item.reservations;
  return { ...item.reservations, [orderId]: { ...record, status } };
}

function hold(item: RegisteredItem, customerId: string, delta: number): RegisteredItem['heldByCustomer'] {
  return { ...item.heldByCustomer, [customerId]: (item.heldByCustomer[customerId] ?? 0) + delta };
}

/** Applies one recorded event; an event that does not fit the state (never produced by `decide`) changes nothing. */
export function evolve(state: InventoryItemState, event: InventoryItemEvent): InventoryItemState {
  if (event.type === 'ReservationRejected') {
    const { orderId, customerId, requested, reason } = event.data;
    return {
      ...state,
      reservations: { ...state.reservations, [orderId]: { status: 'rejected', customerId, quantity: requested, reason } },
    };
  }
  if (state.status === 'unregistered') {
    if (event.type !== 'SkuRegistered') return state;
    const { sku, name, unitPrice, perCustomerLimit, perOrderLimit } = event.data;
    const stock = { onHand: 0, reserved: 0, heldByCustomer: {} };
    return { status: 'registered', sku, name, unitPrice, perCustomerLimit, perOrderLimit, ...stock, reservations: state.reservations };
  }
  switch (event.type) {
    case 'SkuRegistered':
      return state;
    case 'SkuPriceChanged':
      return { ...state, unitPrice: event.data.unitPrice };
    case 'SkuLimitsChanged':
      return { ...state, perCustomerLimit: event.data.perCustomerLimit, perOrderLimit: event.data.perOrderLimit };
    case 'StockReceived':
      return { ...state, onHand: state.onHand + event.data.quantity };
    case 'StockAdjusted':
      return { ...state, onHand: state.onHand + event.data.delta };
    case 'StockReserved': {
      const { orderId, customerId, quantity, expiresAt } = event.data;
      const reservations = { ...state.reservations, [orderId]: { status: 'live', customerId, quantity, expiresAt } as const };
      return { ...state, reserved: state.reserved + quantity, reservations, heldByCustomer: hold(state, customerId, quantity) };
    }
    case 'ReservationCommitted': {
      const { orderId, quantity } = event.data;
      const reservations = settle(state, orderId, 'committed');
      return { ...state, onHand: state.onHand - quantity, reserved: state.reserved - quantity, reservations };
    }
    case 'ReservationReleased':
    case 'ReservationExpired': {
      const { orderId, customerId, quantity } = event.data;
      const reservations = settle(state, orderId, event.type === 'ReservationReleased' ? 'released' : 'expired');
      return { ...state, reserved: state.reserved - quantity, reservations, heldByCustomer: hold(state, customerId, -quantity) };
    }
  }
}
