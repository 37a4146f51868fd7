import type { DeclineReason, Money, PaymentEvent } from '@orderflow/schemas';

/** Amounts in the payment's currency, minor units. Uncaptured = authorized − captured − voided. */
export interface PaymentLedger {
  readonly authorized: number;
  readonly captured: number;
  readonly voided: number;
  readonly refunded: number;
}

export type LedgerOperation = 'capture' | 'void' | 'refund';

/** A ledger movement by its request id, so that a repeated request is recognised. */
export interface LedgerEntry {
  readonly operation: LedgerOperation;
  readonly amount: number;
}

export interface NoPayment {
  readonly status: 'none';
}
/** Authorization asked of the gateway, answer pending. */
export interface RequestedPayment {
  readonly status: 'requested';
  readonly orderId: string;
  readonly requestId: string;
  readonly amount: Money;
}
export interface DeclinedPayment {
  readonly status: 'declined';
  readonly orderId: string;
  readonly requestId: string;
  readonly amount: Money;
  readonly reason: DeclineReason;
}
export interface AuthorizedPayment {
  readonly status: 'authorized';
  readonly orderId: string;
  /** The authorization request's id. */
  readonly requestId: string;
  readonly currency: string;
  readonly ledger: PaymentLedger;
  readonly entries: Readonly<Record<string, LedgerEntry>>;
}

export type PaymentState = NoPayment | RequestedPayment | DeclinedPayment | AuthorizedPayment;

export const initialState = (): PaymentState => ({ status: 'none' });

export function uncaptured(ledger: PaymentLedger): number {
  return ledger.authorized - ledger.captured - ledger.voided;
}

const ledgerField = { capture: 'captured', void: 'voided', refund: 'refunded' } as const;

function record(state: PaymentState, operation: LedgerOperation, requestId: string, amount: Money): PaymentState {
  if (state.status !== 'authorized') return state;
  const field = ledgerField[operation];
  const ledger = { ...state.ledger, [field]: state.ledger[field] + amount.amount };
  return { ...state, ledger, entries: { ...state.entries, [requestId]: { operation, amount: amount.amount } } };
}

/** Applies one recorded event; an event that does not fit the state (never produced by `decide`) changes nothing. */
export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRequested': {
      const { orderId, requestId, amount } = event.data;
      return state.status === 'none' ? { status: 'requested', orderId, requestId, amount } : state;
    }
    case 'PaymentAuthorized': {
      if (state.status !== 'requested') return state;
      const { orderId, requestId, amount } = state;
      const ledger = { authorized: event.data.amount.amount, captured: 0, voided: 0, refunded: 0 };
      return { status: 'authorized', orderId, requestId, currency: amount.currency, ledger, entries: {} };
    }
    case 'PaymentDeclined':
      return state.status === 'requested' ? { ...state, status: 'declined', reason: event.data.reason } : state;
    case 'PaymentCaptured':
      return record(state, 'capture', event.data.requestId, event.data.amount);
    case 'PaymentVoided':
      return record(state, 'void', event.data.requestId, event.data.amount);
    case 'PaymentRefunded':
      return record(state, 'refund', event.data.requestId, event.data.amount);
  }
}
