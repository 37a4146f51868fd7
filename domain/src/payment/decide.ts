import type {
  CapturePayment,
  Money,
  PaymentCommand,
  PaymentEvent,
  RecordPaymentAuthorized,
  RecordPaymentDeclined,
  RefundPayment,
  RequestPaymentAuthorization,
  VoidPayment,
} from '@orderflow/schemas';
import { assertNever, type Decider } from '../shared/decider.js';
import { InsufficientCapturedAmount, RequestIdConflict } from '../shared/domainError.js';
import { assertSameCurrency } from '../shared/money.js';
import { assertPositiveInteger } from '../shared/guards.js';
import { type AuthorizedPayment, evolve, initialState, type LedgerOperation, type PaymentState, uncaptured } from './payment.js';
import {
  InsufficientAuthorizedAmount,
  NothingToVoid,
  PaymentAlreadyAuthorized,
  PaymentAlreadyDeclined,
  PaymentAlreadyRequested,
  PaymentNotAuthorized,
  PaymentNotRequested,
  UnknownPaymentRequest,
} from './paymentErrors.js';

const sameMoney = (a: Money, b: Money) => a.amount === b.amount && a.currency === b.currency;

/** One authorization per order; the same request again is a retry. */
function requestPaymentAuthorization({ data }: RequestPaymentAuthorization, state: PaymentState): PaymentEvent[] {
  assertPositiveInteger('amount', data.amount.amount);
  if (state.status === 'none') return [{ type: 'PaymentRequested', data }];
  if (state.requestId !== data.requestId) throw new PaymentAlreadyRequested(data.orderId, state.requestId);
  const requested = state.status === 'authorized' ? { amount: state.ledger.authorized, currency: state.currency } : state.amount;
  if (!sameMoney(requested, data.amount)) throw new RequestIdConflict(data.requestId);
  return [];
}

/** The gateway's answer must belong to the pending request and match its amount. */
function answering(state: PaymentState, orderId: string, requestId: string): Exclude<PaymentState, { status: 'none' }> {
  if (state.status === 'none') throw new PaymentNotRequested(orderId);
  if (state.requestId !== requestId) throw new UnknownPaymentRequest(orderId, requestId);
  return state;
}

function recordPaymentAuthorized({ data }: RecordPaymentAuthorized, state: PaymentState): PaymentEvent[] {
  const payment = answering(state, data.orderId, data.requestId);
  switch (payment.status) {
    case 'requested':
      if (!sameMoney(payment.amount, data.amount)) throw new RequestIdConflict(data.requestId);
      return [{ type: 'PaymentAuthorized', data }];
    case 'authorized':
      if (payment.ledger.authorized !== data.amount.amount || payment.currency !== data.amount.currency)
        throw new RequestIdConflict(data.requestId);
      return [];
    case 'declined':
      throw new PaymentAlreadyDeclined(data.orderId);
  }
}

function recordPaymentDeclined({ data }: RecordPaymentDeclined, state: PaymentState): PaymentEvent[] {
  const payment = answering(state, data.orderId, data.requestId);
  switch (payment.status) {
    case 'requested':
      return [{ type: 'PaymentDeclined', data }];
    case 'declined':
      return [];
    case 'authorized':
      throw new PaymentAlreadyAuthorized(data.orderId);
  }
}

/**
 * Checks shared by capture, void and refund: authorized, same currency, positive, and a request id that is new —
 * or a repeat of the same operation and amount, which yields `undefined` (nothing to do).
 */
function ledgerMove(
  state: PaymentState,
  { orderId, requestId, amount }: { orderId: string; requestId: string; amount: Money },
  operation: LedgerOperation,
): AuthorizedPayment | undefined {
  if (state.status !== 'authorized') throw new PaymentNotAuthorized(orderId, state.status);
  assertSameCurrency(state.currency, amount);
  if (requestId === state.requestId) throw new RequestIdConflict(requestId);
  const previous = state.entries[requestId];
  if (previous !== undefined) {
    if (previous.operation !== operation || previous.amount !== amount.amount) throw new RequestIdConflict(requestId);
    return undefined;
  }
  assertPositiveInteger('amount', amount.amount);
  return state;
}

/** Capture ≤ authorized − captured − voided. */
function capturePayment({ data }: CapturePayment, state: PaymentState): PaymentEvent[] {
  const payment = ledgerMove(state, data, 'capture');
  if (payment === undefined) return [];
  const remaining = uncaptured(payment.ledger);
  if (data.amount.amount > remaining) throw new InsufficientAuthorizedAmount(data.amount.amount, remaining, payment.currency);
  return [{ type: 'PaymentCaptured', data }];
}

/** Releases the uncaptured part (all of it without `amount`); captured money comes back by refund only. */
function voidPayment({ data }: VoidPayment, state: PaymentState): PaymentEvent[] {
  const { orderId, requestId } = data;
  if (state.status !== 'authorized') throw new PaymentNotAuthorized(orderId, state.status);
  const remaining = uncaptured(state.ledger);
  const previous = state.entries[requestId];
  // Without an amount, a repeated request means the same void again, whatever it came to.
  const amount = data.amount ?? { amount: previous?.operation === 'void' ? previous.amount : remaining, currency: state.currency };
  if (data.amount === undefined && amount.amount === 0) throw new NothingToVoid(orderId);
  const payment = ledgerMove(state, { orderId, requestId, amount }, 'void');
  if (payment === undefined) return [];
  if (amount.amount > remaining) throw new InsufficientAuthorizedAmount(amount.amount, remaining, payment.currency);
  return [{ type: 'PaymentVoided', data: { orderId, requestId, amount } }];
}

/** Refund ≤ captured − refunded. */
function refundPayment({ data }: RefundPayment, state: PaymentState): PaymentEvent[] {
  const payment = ledgerMove(state, data, 'refund');
  if (payment === undefined) return [];
  const refundable = payment.ledger.captured - payment.ledger.refunded;
  if (data.amount.amount > refundable) throw new InsufficientCapturedAmount(data.amount.amount, refundable, payment.currency);
  return [{ type: 'PaymentRefunded', data }];
}

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'RequestPaymentAuthorization':
      return requestPaymentAuthorization(command, state);
    case 'RecordPaymentAuthorized':
      return recordPaymentAuthorized(command, state);
    case 'RecordPaymentDeclined':
      return recordPaymentDeclined(command, state);
    case 'CapturePayment':
      return capturePayment(command, state);
    case 'VoidPayment':
      return voidPayment(command, state);
    case 'RefundPayment':
      return refundPayment(command, state);
    default:
      return assertNever(command);
  }
}

/** The Payment aggregate (`payment-<orderId>`): an amount ledger for one order. */
export const paymentDecider: Decider<PaymentState, PaymentCommand, PaymentEvent> = { decide, evolve, initialState };
