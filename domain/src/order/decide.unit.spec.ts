import { describe, it } from 'vitest';
import { CurrencyMismatch, InsufficientCapturedAmount, InvalidCommand, RequestIdConflict } from '../shared/domainError.js';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { orderDecider } from './decide.js';
import { admin, commands, customer, eur, events, lines, orderId, sneakers } from './orderFixtures.js';
import {
  OrderAlreadyExists,
  OrderAlreadyShipped,
  OrderIsCancelled,
  OrderNotConfirmed,
  OrderNotFound,
  OrderNotShipped,
} from './orderErrors.js';

const spec = deciderSpecification(orderDecider);
const { placed, confirmed, cancelled, shipped, delivered, refunded } = events;

describe('Order', () => {
  describe('with no order', () => {
    const given = spec.given([]);

    it('places it, totalling the lines in minor units', () => {
      given.when(commands.place()).then([placed]);
    });
    it('refuses lines priced in another currency', () => {
      given
        .when(commands.place([...lines, { sku: 'SOCK-1', name: 'Sock', quantity: 1, unitPrice: { amount: 500, currency: 'USD' } }]))
        .thenThrows(CurrencyMismatch, { expected: 'EUR', actual: 'USD' });
    });
    it('refuses the same SKU on two lines', () => {
      given.when(commands.place([...lines, { ...sneakers, quantity: 1 }])).thenThrows(InvalidCommand, { field: 'lines' });
    });
    it('refuses an empty order', () => {
      given.when(commands.place([])).thenThrows(InvalidCommand, { field: 'lines' });
    });
    it('refuses a fractional quantity', () => {
      given.when(commands.place([{ ...sneakers, quantity: 1.5 }])).thenThrows(InvalidCommand);
    });
    it('refuses a total beyond safe integers', () => {
      given
        .when(commands.place([{ ...sneakers, quantity: 10_000, unitPrice: eur(Math.floor(Number.MAX_SAFE_INTEGER / 1000)) }]))
        .thenThrows(InvalidCommand);
    });
    it.each([
      ['confirm', commands.confirm()],
      ['cancel', commands.cancel()],
      ['ship', commands.ship()],
      ['deliver', commands.deliver()],
      ['refund', commands.refund('r-1', 100)],
    ])('cannot %s it', (_, command) => {
      given.when(command).thenThrows(OrderNotFound, { code: 'order_not_found', orderId });
    });
  });

  describe('placed', () => {
    const given = spec.given([placed]);

    it('is not placed twice', () => {
      given.when(commands.place()).thenThrows(OrderAlreadyExists);
    });
    it('confirms', () => {
      given.when(commands.confirm()).then([confirmed]);
    });
    it('is cancelled by its customer', () => {
      given.when(commands.cancel()).then([{ type: 'OrderCancelled', data: { orderId, reason: 'customer_request', by: 'customer' } }]);
    });
    it('is cancelled by the saga with a machine-readable reason', () => {
      given
        .when(commands.cancel('out_of_stock', { role: 'system', id: 'checkout' }))
        .then([{ type: 'OrderCancelled', data: { orderId, reason: 'out_of_stock', by: 'system' } }]);
    });
    it('refuses a customer cancel that claims a system reason', () => {
      given.when(commands.cancel('payment_declined', customer)).thenThrows(InvalidCommand, { field: 'reason' });
    });
    it('cannot ship before confirmation', () => {
      given.when(commands.ship()).thenThrows(OrderNotConfirmed);
    });
    it('cannot be delivered', () => {
      given.when(commands.deliver()).thenThrows(OrderNotShipped);
    });
    it('cannot be refunded: nothing is captured yet', () => {
      given.when(commands.refund('r-1', 100)).thenThrows(OrderNotConfirmed);
    });
  });

  describe('confirmed', () => {
    const given = spec.given([placed, confirmed]);

    it('is not placed twice', () => {
      given.when(commands.place()).thenThrows(OrderAlreadyExists);
    });
    it('ignores a repeated confirmation', () => {
      given.when(commands.confirm()).thenNothingHappened();
    });
    it('is cancelled by an admin', () => {
      given.when(commands.cancel('operator', admin)).then([{ type: 'OrderCancelled', data: { orderId, reason: 'operator', by: 'admin' } }]);
    });
    it('ships', () => {
      given.when(commands.ship()).then([shipped]);
    });
    it('cannot be delivered before shipping', () => {
      given.when(commands.deliver()).thenThrows(OrderNotShipped);
    });
    it('refunds part of what was captured', () => {
      given.when(commands.refund('r-1', 1_999)).then([refunded('r-1', 1_999)]);
    });
    it('refunds all of it', () => {
      given.when(commands.refund('r-1', 25_999)).then([refunded('r-1', 25_999)]);
    });
    it('never refunds more than captured', () => {
      given.when(commands.refund('r-1', 20_000, 12_000)).thenThrows(InsufficientCapturedAmount, { requested: 20_000, refundable: 12_000 });
    });
    it('refuses a captured amount beyond the total', () => {
      given.when(commands.refund('r-1', 100, 30_000)).thenThrows(InvalidCommand, { field: 'captured' });
    });
    it('refuses a refund in another currency', () => {
      given.when(commands.refund('r-1', 100, 25_999, 'USD')).thenThrows(CurrencyMismatch);
    });
  });

  describe('confirmed and partly refunded', () => {
    const given = spec.given([placed, confirmed, refunded('r-1', 20_000)]);

    it('refunds up to what is left', () => {
      given.when(commands.refund('r-2', 5_999)).then([refunded('r-2', 5_999)]);
    });
    it('counts earlier refunds against the captured amount', () => {
      given.when(commands.refund('r-2', 6_000)).thenThrows(InsufficientCapturedAmount, { requested: 6_000, refundable: 5_999 });
    });
    it('treats a repeated refund id with the same amount as a retry', () => {
      given.when(commands.refund('r-1', 20_000)).thenNothingHappened();
    });
    it('refuses a repeated refund id with another amount', () => {
      given.when(commands.refund('r-1', 100)).thenThrows(RequestIdConflict, { requestId: 'r-1' });
    });
  });

  describe('shipped', () => {
    const given = spec.given([placed, confirmed, shipped]);

    it('is not placed twice', () => {
      given.when(commands.place()).thenThrows(OrderAlreadyExists);
    });
    it('ignores a late confirmation', () => {
      given.when(commands.confirm()).thenNothingHappened();
    });
    it('cannot be cancelled', () => {
      given.when(commands.cancel()).thenThrows(OrderAlreadyShipped, { code: 'order_already_shipped', status: 'shipped' });
    });
    it('ignores a repeated shipment', () => {
      given.when(commands.ship()).thenNothingHappened();
    });
    it('is delivered', () => {
      given.when(commands.deliver()).then([delivered]);
    });
    it('is refunded', () => {
      given.when(commands.refund('r-1', 500)).then([refunded('r-1', 500)]);
    });
  });

  describe('delivered', () => {
    const given = spec.given([placed, confirmed, shipped, delivered, refunded('r-1', 1_999)]);

    it('is not placed twice', () => {
      given.when(commands.place()).thenThrows(OrderAlreadyExists);
    });
    it('ignores a late confirmation', () => {
      given.when(commands.confirm()).thenNothingHappened();
    });
    it('cannot be cancelled', () => {
      given.when(commands.cancel('operator', admin)).thenThrows(OrderAlreadyShipped, { status: 'delivered' });
    });
    it('ignores a late shipment', () => {
      given.when(commands.ship()).thenNothingHappened();
    });
    it('ignores a repeated delivery', () => {
      given.when(commands.deliver()).thenNothingHappened();
    });
    it('is refunded (a return), within what is left', () => {
      given.when(commands.refund('r-2', 24_000)).then([refunded('r-2', 24_000)]);
    });
    it('not beyond it', () => {
      given.when(commands.refund('r-2', 24_001)).thenThrows(InsufficientCapturedAmount);
    });
  });

  describe('cancelled', () => {
    const given = spec.given([placed, cancelled]);

    it('is not placed twice', () => {
      given.when(commands.place()).thenThrows(OrderAlreadyExists);
    });
    it('cannot be confirmed', () => {
      given.when(commands.confirm()).thenThrows(OrderIsCancelled, { code: 'order_cancelled' });
    });
    it('ignores a second cancellation', () => {
      given.when(commands.cancel()).thenNothingHappened();
    });
    it('cannot ship', () => {
      given.when(commands.ship()).thenThrows(OrderIsCancelled);
    });
    it('cannot be delivered', () => {
      given.when(commands.deliver()).thenThrows(OrderIsCancelled);
    });
    it('cannot be refunded: the saga compensates the payment itself', () => {
      given.when(commands.refund('r-1', 100)).thenThrows(OrderIsCancelled);
    });
  });
});
