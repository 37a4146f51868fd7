import type { CancellationReason, CancelledBy, Money, OrderEvent, OrderLine } from '@orderflow/schemas';

/** What placement fixed for good: who ordered what, at which prices. */
export interface OrderFacts {
  readonly orderId: string;
  readonly customerId: string;
  readonly lines: readonly OrderLine[];
  readonly total: Money;
}

/** Refunds issued so far: their sum, and each by its refund id (so a repeated refund is recognised). */
export interface OrderRefunds {
  readonly refunded: Money;
  readonly byId: Readonly<Record<string, Money>>;
}

export interface NoOrder {
  readonly status: 'empty';
}
/** Placed, its checkout (reservation → authorization) under way. */
export interface PlacedOrder {
  readonly status: 'placed';
  readonly facts: OrderFacts;
}
/** Checkout completed: stock committed, payment captured or being captured. */
export interface ConfirmedOrder {
  readonly status: 'confirmed';
  readonly facts: OrderFacts;
  readonly refunds: OrderRefunds;
}
export interface ShippedOrder {
  readonly status: 'shipped';
  readonly facts: OrderFacts;
  readonly refunds: OrderRefunds;
}
export interface DeliveredOrder {
  readonly status: 'delivered';
  readonly facts: OrderFacts;
  readonly refunds: OrderRefunds;
}
export interface CancelledOrder {
  readonly status: 'cancelled';
  readonly facts: OrderFacts;
  readonly reason: CancellationReason;
  readonly by: CancelledBy;
}

/** The order's lifecycle; a (partial) refund changes the amounts, not the status. */
export type OrderState = NoOrder | PlacedOrder | ConfirmedOrder | ShippedOrder | DeliveredOrder | CancelledOrder;

export const initialState = (): OrderState => ({ status: 'empty' });

/** Applies one recorded event; an event that does not fit the state (never produced by `decide`) changes nothing. */
export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced': {
      const { orderId, customerId, lines, total } = event.data;
      return { status: 'placed', facts: { orderId, customerId, lines, total } };
    }
    case 'OrderConfirmed':
      if (state.status !== 'placed') return state;
      return {
        status: 'confirmed',
        facts: state.facts,
        refunds: { refunded: { amount: 0, currency: state.facts.total.currency }, byId: {} },
      };
    case 'OrderCancelled':
      if (state.status === 'empty') return state;
      return { status: 'cancelled', facts: state.facts, reason: event.data.reason, by: event.data.by };
    case 'OrderShipped':
      return state.status === 'confirmed' ? { ...state, status: 'shipped' } : state;
    case 'OrderDelivered':
      return state.status === 'shipped' ? { ...state, status: 'delivered' } : state;
    case 'OrderRefunded': {
      if (state.status !== 'confirmed' && state.status !== 'shipped' && state.status !== 'delivered') return state;
      const { refundId, amount } = event.data;
      const refunded = { amount: state.refunds.refunded.amount + amount.amount, currency: state.refunds.refunded.currency };
      return { ...state, refunds: { refunded, byId: { ...state.refunds.byId, [refundId]: amount } } };
    }
  }
}
