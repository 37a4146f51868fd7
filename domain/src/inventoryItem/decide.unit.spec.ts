import { describe, it } from 'vitest';
import { InvalidCommand } from '../shared/domainError.js';
import { minutesAfterT0, t0 } from '../testing/commandMetadata.js';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { inventoryItemDecider } from './decide.js';
import { commands, events, expiresAt, sku, unitPrice } from './inventoryItemFixtures.js';
import {
  ReservationAlreadyCommitted,
  ReservationConflict,
  ReservationNotFound,
  ReservationNotLive,
  SkuAlreadyRegistered,
  SkuNotRegistered,
  StockBelowReserved,
} from './inventoryItemErrors.js';

const spec = deciderSpecification(inventoryItemDecider);
const { registered, received, reserved, committed, released, expired, rejected } = events;
const ada = { orderId: 'o-1', customerId: 'c-ada', quantity: 2 };
const afterExpiry = minutesAfterT0(15);

describe('InventoryItem', () => {
  describe('unregistered', () => {
    const given = spec.given([]);

    it('registers, without a per-order limit unless given', () => {
      given.when(commands.register()).then([{ type: 'SkuRegistered', data: { ...registered.data, perOrderLimit: null } }]);
    });
    it('registers with a per-order limit', () => {
      given.when(commands.register(3)).then([registered]);
    });
    it('cannot change', () => {
      given.when(commands.change({ unitPrice })).thenThrows(SkuNotRegistered, { code: 'sku_not_registered', sku });
    });
    it('cannot receive stock', () => {
      given.when(commands.receive(10)).thenThrows(SkuNotRegistered);
    });
    it('cannot adjust stock', () => {
      given.when(commands.adjust(5)).thenThrows(SkuNotRegistered);
    });
    it('rejects a reservation as an event (unknown_sku), for the saga to react to', () => {
      given.when(commands.reserve(ada)).then([rejected(ada, 'unknown_sku', 0)]);
    });
    it('cannot commit', () => {
      given.when(commands.commit('o-1')).thenThrows(SkuNotRegistered);
    });
    it('has no reservation to release', () => {
      given.when(commands.release('o-1')).thenThrows(ReservationNotFound);
    });
    it('has nothing to expire', () => {
      given.when(commands.expire(afterExpiry)).thenNothingHappened();
    });
  });

  describe('unregistered, having rejected an order', () => {
    const given = spec.given([rejected(ada, 'unknown_sku', 0)]);

    it('answers the same reservation again with nothing new', () => {
      given.when(commands.reserve(ada)).thenNothingHappened();
    });
    it('releases nothing', () => {
      given.when(commands.release('o-1')).thenNothingHappened();
    });
    it('still remembers the rejection once registered', () => {
      spec
        .given([rejected(ada, 'unknown_sku', 0), registered, received(10)])
        .when(commands.reserve(ada))
        .thenNothingHappened();
    });
  });

  describe('registered, nothing on hand', () => {
    const given = spec.given([registered]);

    it('is not registered twice', () => {
      given.when(commands.register()).thenThrows(SkuAlreadyRegistered);
    });
    it('changes its price', () => {
      given
        .when(commands.change({ unitPrice: { amount: 9_900, currency: 'EUR' } }))
        .then([{ type: 'SkuPriceChanged', data: { sku, unitPrice: { amount: 9_900, currency: 'EUR' } } }]);
    });
    it('changes its limits, stating both', () => {
      given
        .when(commands.change({ perCustomerLimit: 2 }))
        .then([{ type: 'SkuLimitsChanged', data: { sku, perCustomerLimit: 2, perOrderLimit: 3 } }]);
    });
    it('drops the per-order limit on null', () => {
      given
        .when(commands.change({ perOrderLimit: null }))
        .then([{ type: 'SkuLimitsChanged', data: { sku, perCustomerLimit: 4, perOrderLimit: null } }]);
    });
    it('changes price and limits in one decision', () => {
      given.when(commands.change({ unitPrice: { amount: 1, currency: 'EUR' }, perOrderLimit: 1 })).then([
        { type: 'SkuPriceChanged', data: { sku, unitPrice: { amount: 1, currency: 'EUR' } } },
        { type: 'SkuLimitsChanged', data: { sku, perCustomerLimit: 4, perOrderLimit: 1 } },
      ]);
    });
    it('changes nothing when nothing differs', () => {
      given.when(commands.change({ unitPrice, perCustomerLimit: 4, perOrderLimit: 3 })).thenNothingHappened();
    });
    it('receives stock', () => {
      given.when(commands.receive(10)).then([received(10)]);
    });
    it('refuses a zero quantity', () => {
      given.when(commands.receive(0)).thenThrows(InvalidCommand, { field: 'quantity' });
    });
    it('adjusts upwards', () => {
      given.when(commands.adjust(5)).then([{ type: 'StockAdjusted', data: { sku, delta: 5, reason: 'stock_count' } }]);
    });
    it('never adjusts below zero', () => {
      given.when(commands.adjust(-1)).thenThrows(StockBelowReserved, { onHand: 0, reserved: 0, delta: -1 });
    });
    it('rejects a reservation: insufficient_stock, 0 available', () => {
      given.when(commands.reserve(ada)).then([rejected(ada, 'insufficient_stock', 0)]);
    });
    it('cannot commit an unknown reservation', () => {
      given.when(commands.commit('o-1')).thenThrows(ReservationNotFound, { orderId: 'o-1' });
    });
    it('cannot release an unknown reservation', () => {
      given.when(commands.release('o-1')).thenThrows(ReservationNotFound);
    });
    it('has nothing to expire', () => {
      given.when(commands.expire(afterExpiry)).thenNothingHappened();
    });
  });

  describe('registered, 10 on hand', () => {
    const given = spec.given([registered, received(10)]);

    it('reserves', () => {
      given.when(commands.reserve(ada)).then([reserved(ada)]);
    });
    it('rejects more than the per-order limit, saying what is available', () => {
      given.when(commands.reserve({ ...ada, quantity: 4 })).then([rejected({ ...ada, quantity: 4 }, 'order_limit', 3)]);
    });
    it('applies a raised per-order limit, then the per-customer limit', () => {
      spec
        .given([registered, received(10), { type: 'SkuLimitsChanged', data: { sku, perCustomerLimit: 4, perOrderLimit: null } }])
        .when(commands.reserve({ ...ada, quantity: 5 }))
        .then([rejected({ ...ada, quantity: 5 }, 'customer_limit', 4)]);
    });
    it('refuses an expiry that is not after now', () => {
      given.when(commands.reserve(ada, t0, t0)).thenThrows(InvalidCommand, { field: 'expiresAt' });
    });
    it('refuses a negative quantity rather than creating stock', () => {
      given.when(commands.reserve({ ...ada, quantity: -2 })).thenThrows(InvalidCommand, { field: 'quantity' });
    });
    it('adjusts down to zero', () => {
      given.when(commands.adjust(-10)).then([{ type: 'StockAdjusted', data: { sku, delta: -10, reason: 'stock_count' } }]);
    });
  });

  describe('with a live reservation (2 of 10, expiring at t0 + 15 min)', () => {
    const given = spec.given([registered, received(10), reserved(ada)]);

    it('answers the same reservation again with nothing new', () => {
      given.when(commands.reserve(ada)).thenNothingHappened();
    });
    it('refuses a different reservation for the same order', () => {
      given.when(commands.reserve({ ...ada, quantity: 3 })).thenThrows(ReservationConflict, { orderId: 'o-1' });
    });
    it('commits it before it expires', () => {
      given.when(commands.commit('o-1', minutesAfterT0(14))).then([committed(ada)]);
    });
    it('does not commit it once its expiry has passed, timer or not', () => {
      given.when(commands.commit('o-1', afterExpiry)).thenThrows(ReservationNotLive, { status: 'expired' });
    });
    it('releases it with the reason', () => {
      given.when(commands.release('o-1', 'payment_timeout')).then([released(ada, 'payment_timeout')]);
    });
    it('does not expire it before its time', () => {
      given.when(commands.expire(minutesAfterT0(14))).thenNothingHappened();
    });
    it('expires it at its time', () => {
      given.when(commands.expire(afterExpiry)).then([expired(ada)]);
    });
    it('adjusts down to what is reserved', () => {
      given.when(commands.adjust(-8)).then([{ type: 'StockAdjusted', data: { sku, delta: -8, reason: 'stock_count' } }]);
    });
    it('never adjusts below what is reserved', () => {
      given.when(commands.adjust(-9)).thenThrows(StockBelowReserved, { code: 'stock_below_reserved', onHand: 10, reserved: 2 });
    });
  });

  describe('with a committed reservation', () => {
    const given = spec.given([registered, received(10), reserved(ada), committed(ada)]);

    it('ignores a repeated commit', () => {
      given.when(commands.commit('o-1')).thenNothingHappened();
    });
    it('cannot release sold units', () => {
      given.when(commands.release('o-1')).thenThrows(ReservationAlreadyCommitted, { code: 'reservation_committed' });
    });
    it('answers the same reservation again with nothing new', () => {
      given.when(commands.reserve(ada)).thenNothingHappened();
    });
    it('has nothing to expire', () => {
      given.when(commands.expire(afterExpiry)).thenNothingHappened();
    });
    it('has 8 left on hand, none reserved', () => {
      given.when(commands.adjust(-9)).thenThrows(StockBelowReserved, { onHand: 8, reserved: 0 });
    });
  });

  describe('with a released reservation', () => {
    const given = spec.given([registered, received(10), reserved(ada), released(ada)]);

    it('cannot commit it', () => {
      given.when(commands.commit('o-1')).thenThrows(ReservationNotLive, { code: 'reservation_not_live', status: 'released' });
    });
    it('ignores a repeated release', () => {
      given.when(commands.release('o-1')).thenNothingHappened();
    });
    it('does not reserve again for that order', () => {
      given.when(commands.reserve(ada)).thenNothingHappened();
    });
    it('has nothing to expire', () => {
      given.when(commands.expire(afterExpiry)).thenNothingHappened();
    });
  });

  describe('with an expired reservation', () => {
    const given = spec.given([registered, received(10), reserved(ada), expired(ada)]);

    it('cannot commit it', () => {
      given.when(commands.commit('o-1')).thenThrows(ReservationNotLive, { status: 'expired' });
    });
    it('releases nothing', () => {
      given.when(commands.release('o-1')).thenNothingHappened();
    });
    it('does not expire it twice', () => {
      given.when(commands.expire(afterExpiry)).thenNothingHappened();
    });
  });

  describe('with a rejected reservation', () => {
    const given = spec.given([registered, received(1), rejected(ada, 'insufficient_stock', 1)]);

    it('cannot commit it', () => {
      given.when(commands.commit('o-1')).thenThrows(ReservationNotLive, { status: 'rejected' });
    });
    it('releases nothing', () => {
      given.when(commands.release('o-1')).thenNothingHappened();
    });
    it('answers the same request with nothing new', () => {
      given.when(commands.reserve(ada)).thenNothingHappened();
    });
    it('refuses another request for that order', () => {
      given.when(commands.reserve({ ...ada, quantity: 1 })).thenThrows(ReservationConflict);
    });
  });

  it('expires only the reservations that are due', () => {
    spec
      .given([
        registered,
        received(10),
        reserved(ada),
        { type: 'StockReserved', data: { sku, orderId: 'o-2', customerId: 'c-bob', quantity: 1, expiresAt: minutesAfterT0(30) } },
      ])
      .when(commands.expire(minutesAfterT0(20)))
      .then([{ type: 'ReservationExpired', data: { sku, ...ada, expiresAt } }]);
  });
});
