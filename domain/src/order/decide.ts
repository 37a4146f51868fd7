import type {
  CancelOrder,
  ConfirmOrder,
  DeliverOrder,
  OrderCommand,
  OrderEvent,
  PlaceOrder,
  RefundOrder,
  ShipOrder,
} from '@orderflow/schemas';
import { assertNever, type Decider } from '../shared/decider.js';
import { InsufficientCapturedAmount, InvalidCommand, RequestIdConflict } from '../shared/domainError.js';
import { assertSameCurrency, multiplyMoney, sumMoney } from '../shared/money.js';
import { evolve, initialState, type OrderState } from './order.js';
import {
  OrderAlreadyExists,
  OrderAlreadyShipped,
  OrderIsCancelled,
  OrderNotConfirmed,
  OrderNotFound,
  OrderNotShipped,
} from './orderErrors.js';

function placeOrder({ data }: PlaceOrder, state: OrderState): OrderEvent[] {
  if (state.status !== 'empty') throw new OrderAlreadyExists(data.orderId);
  if (data.lines.length === 0) throw new InvalidCommand('lines', 'must not be empty');
  if (new Set(data.lines.map((line) => line.sku)).size !== data.lines.length) throw new InvalidCommand('lines', 'must name each SKU once');
  for (const line of data.lines) assertSameCurrency(data.currency, line.unitPrice);
  const total = sumMoney(
    data.lines.map((line) => {
      if (!Number.isSafeInteger(line.quantity) || line.quantity < 1)
        throw new InvalidCommand('lines.quantity', 'must be a positive integer');
      return multiplyMoney(line.unitPrice, line.quantity);
    }),
    data.currency,
  );
  return [{ type: 'OrderPlaced', data: { ...data, total } }];
}

/** Idempotent: an order already confirmed (or further along) stays as it is. */
function confirmOrder({ data }: ConfirmOrder, state: OrderState): OrderEvent[] {
  switch (state.status) {
    case 'empty':
      throw new OrderNotFound(data.orderId);
    case 'placed':
      return [{ type: 'OrderConfirmed', data: { orderId: data.orderId } }];
    case 'cancelled':
      throw new OrderIsCancelled(data.orderId);
    default:
      return [];
  }
}

/** Before shipping only. A customer can only withdraw (`customer_request`); the saga and admins give the cause. */
function cancelOrder({ data, metadata }: CancelOrder, state: OrderState): OrderEvent[] {
  const { orderId, reason, detail } = data;
  switch (state.status) {
    case 'empty':
      throw new OrderNotFound(orderId);
    case 'placed':
    case 'confirmed':
      if (metadata.actor.role === 'customer' && reason !== 'customer_request')
        throw new InvalidCommand('reason', 'must be customer_request when a customer cancels');
      return [{ type: 'OrderCancelled', data: { orderId, reason, ...(detail === undefined ? {} : { detail }), by: metadata.actor.role } }];
    case 'cancelled':
      return [];
    case 'shipped':
    case 'delivered':
      throw new OrderAlreadyShipped(orderId, state.status);
  }
}

function shipOrder({ data }: ShipOrder, state: OrderState): OrderEvent[] {
  switch (state.status) {
    case 'empty':
      throw new OrderNotFound(data.orderId);
    case 'placed':
      throw new OrderNotConfirmed(data.orderId);
    case 'confirmed':
      return [{ type: 'OrderShipped', data }];
    case 'shipped':
    case 'delivered':
      return [];
    case 'cancelled':
      throw new OrderIsCancelled(data.orderId);
  }
}

function deliverOrder({ data }: DeliverOrder, state: OrderState): OrderEvent[] {
  switch (state.status) {
    case 'empty':
      throw new OrderNotFound(data.orderId);
    case 'placed':
    case 'confirmed':
      throw new OrderNotShipped(data.orderId);
    case 'shipped':
      return [{ type: 'OrderDelivered', data }];
    case 'delivered':
      return [];
    case 'cancelled':
      throw new OrderIsCancelled(data.orderId);
  }
}

/**
 * Full or partial, after confirmation. `captured` is what the payment ledger has captured; the order subtracts
 * its own refunds from it. A repeated `refundId` with the same amount is a retry and changes nothing.
 */
function refundOrder({ data }: RefundOrder, state: OrderState): OrderEvent[] {
  const { orderId, refundId, amount, captured, reason } = data;
  if (state.status === 'empty') throw new OrderNotFound(orderId);
  if (state.status === 'placed') throw new OrderNotConfirmed(orderId);
  if (state.status === 'cancelled') throw new OrderIsCancelled(orderId);
  const { total } = state.facts;
  assertSameCurrency(total.currency, amount);
  assertSameCurrency(total.currency, captured);
  const previous = state.refunds.byId[refundId];
  if (previous !== undefined) {
    if (previous.amount !== amount.amount) throw new RequestIdConflict(refundId);
    return [];
  }
  if (amount.amount < 1) throw new InvalidCommand('amount', 'must be positive');
  if (captured.amount > total.amount) throw new InvalidCommand('captured', 'exceeds the order total');
  const refundable = captured.amount - state.refunds.refunded.amount;
  if (amount.amount > refundable) throw new InsufficientCapturedAmount(amount.amount, Math.max(refundable, 0), total.currency);
  return [{ type: 'OrderRefunded', data: { orderId, refundId, amount, ...(reason === undefined ? {} : { reason }) } }];
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder':
      return placeOrder(command, state);
    case 'ConfirmOrder':
      return confirmOrder(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
    case 'ShipOrder':
      return shipOrder(command, state);
    case 'DeliverOrder':
      return deliverOrder(command, state);
    case 'RefundOrder':
      return refundOrder(command, state);
    default:
      return assertNever(command);
  }
}

/** The Order aggregate (`order-<orderId>`). */
export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = { decide, evolve, initialState };
