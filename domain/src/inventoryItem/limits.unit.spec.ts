import { describe, expect, it } from 'vitest';
import type { InventoryItemEvent } from '@orderflow/schemas';
import { minutesAfterT0 } from '../testing/commandMetadata.js';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { inventoryItemDecider } from './decide.js';
import type { RegisteredItem } from './inventoryItem.js';
import { commands, events } from './inventoryItemFixtures.js';

const spec = deciderSpecification(inventoryItemDecider);
const { registered, received, reserved, committed, released, expired, rejected } = events;
const ada = (orderId: string, quantity: number) => ({ orderId, customerId: 'c-ada', quantity });
const bob = (orderId: string, quantity: number) => ({ orderId, customerId: 'c-bob', quantity });

describe('InventoryItem limits (4 per customer, 3 per order)', () => {
  describe('per customer, across all their orders', () => {
    it('counts live reservations of other orders', () => {
      spec
        .given([registered, received(20), reserved(ada('o-1', 3))])
        .when(commands.reserve(ada('o-2', 2)))
        .then([rejected(ada('o-2', 2), 'customer_limit', 1)]);
    });
    it('counts committed sales of other orders', () => {
      spec
        .given([registered, received(20), reserved(ada('o-1', 3)), committed(ada('o-1', 3))])
        .when(commands.reserve(ada('o-2', 2)))
        .then([rejected(ada('o-2', 2), 'customer_limit', 1)]);
    });
    it('counts sales and live reservations together', () => {
      spec
        .given([registered, received(20), reserved(ada('o-1', 2)), committed(ada('o-1', 2)), reserved(ada('o-2', 1))])
        .when(commands.reserve(ada('o-3', 2)))
        .then([rejected(ada('o-3', 2), 'customer_limit', 1)]);
    });
    it('lets the customer reach the limit exactly', () => {
      spec
        .given([registered, received(20), reserved(ada('o-1', 2)), committed(ada('o-1', 2)), reserved(ada('o-2', 1))])
        .when(commands.reserve(ada('o-3', 1)))
        .then([reserved(ada('o-3', 1))]);
    });
    it('does not count other customers', () => {
      spec
        .given([registered, received(20), reserved(ada('o-1', 3)), reserved(ada('o-2', 1))])
        .when(commands.reserve(bob('o-3', 3)))
        .then([reserved(bob('o-3', 3))]);
    });
    it('gives back the allowance of a released reservation', () => {
      spec
        .given([registered, received(20), reserved(ada('o-1', 3)), released(ada('o-1', 3))])
        .when(commands.reserve(ada('o-2', 3)))
        .then([reserved(ada('o-2', 3))]);
    });
    it('gives back the allowance of an expired reservation', () => {
      spec
        .given([registered, received(20), reserved(ada('o-1', 3)), expired(ada('o-1', 3))])
        .when(commands.reserve(ada('o-2', 3)))
        .then([reserved(ada('o-2', 3))]);
    });
  });

  describe('stock', () => {
    it('reports the stock left when it is the binding limit', () => {
      spec
        .given([registered, received(4), reserved(ada('o-1', 3))])
        .when(commands.reserve(bob('o-2', 3)))
        .then([rejected(bob('o-2', 3), 'insufficient_stock', 1)]);
    });
    it('is available again after a release', () => {
      spec
        .given([registered, received(4), reserved(ada('o-1', 3)), released(ada('o-1', 3))])
        .when(commands.reserve(bob('o-2', 3)))
        .then([reserved(bob('o-2', 3))]);
    });
    it('is available again after an expiry', () => {
      spec
        .given([registered, received(4), reserved(ada('o-1', 3)), expired(ada('o-1', 3))])
        .when(commands.reserve(bob('o-2', 3)))
        .then([reserved(bob('o-2', 3))]);
    });
    it('is gone for good after a commit', () => {
      spec
        .given([registered, received(4), reserved(ada('o-1', 3)), committed(ada('o-1', 3))])
        .when(commands.reserve(bob('o-2', 3)))
        .then([rejected(bob('o-2', 3), 'insufficient_stock', 1)]);
    });
  });

  it('never oversells: 500 requests from 250 customers (limit 2) for 100 units', () => {
    const { decide, evolve, initialState } = inventoryItemDecider;
    const fresh: InventoryItemEvent[] = [
      { type: 'SkuRegistered', data: { ...registered.data, perCustomerLimit: 2, perOrderLimit: null } },
      received(100),
    ];
    let state = fresh.reduce(evolve, initialState());
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const outcomes = { StockReserved: 0, ReservationRejected: 0 };
    for (let i = 0; i < 500; i++) {
      const request = { orderId: `o-${i}`, customerId: `c-${next() % 250}`, quantity: 1 + (next() % 2) };
      for (const event of decide(commands.reserve(request, undefined, minutesAfterT0(15)), state)) {
        if (event.type === 'StockReserved' || event.type === 'ReservationRejected') outcomes[event.type] += 1;
        state = evolve(state, event);
      }
      if (i % 50 === 49) state = decide(commands.release(`o-${i - 7}`), state).reduce(evolve, state);
    }
    const item = state as RegisteredItem;
    expect(item.onHand - item.reserved).toBe(0);
    expect(Math.max(...Object.values(item.heldByCustomer))).toBeLessThanOrEqual(2);
    const live = Object.values(item.reservations).filter((r) => r.status === 'live');
    expect(live.reduce((sum, r) => sum + r.quantity, 0)).toBe(100);
    expect(outcomes.StockReserved).toBeGreaterThan(50);
    expect(outcomes.ReservationRejected).toBeGreaterThan(0);
  });
});
