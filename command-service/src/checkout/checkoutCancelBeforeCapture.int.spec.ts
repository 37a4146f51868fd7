import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { streams } from '../commands.js';
import type { CheckoutRig } from './checkoutTesting.js';
import { createHeldCheckoutRig, type AuthorizationHold } from './testing/holdAuthorizations.js';

/** Any token the sandbox does not know approves; this one also has its answer held back from the saga. */
const heldToken = 'pm_test_answer_held';

describeWith('postgres', 'checkout saga: customer cancel between authorization and capture', (use) => {
  let rig: CheckoutRig;
  let hold: AuthorizationHold;
  beforeAll(async () => {
    // A long payment timeout: only the cancel may end this checkout.
    ({ rig, hold } = await createHeldCheckoutRig(use().url, heldToken, { paymentTimeoutMs: 60_000 }));
  });
  afterAll(async () => {
    hold.release();
    await rig.close();
  });

  const order = (orderId: string) => rig.order(orderId);
  const payment = (orderId: string) => rig.payment(orderId);
  const stock = (sku: string) => rig.stock(sku);
  const cancelAsCustomer = (orderId: string) => rig.cancelAsCustomer(orderId);

  it('voids the authorization once, releases every reservation and cancels the order, capturing nothing', async () => {
    await rig.registerSku('HELD-A', 5, 1_200);
    await rig.registerSku('HELD-B', 5, 800);
    const orderId = await rig.placeOrder(
      [
        { sku: 'HELD-A', quantity: 2 },
        { sku: 'HELD-B', quantity: 1 },
      ],
      heldToken,
    );
    await hold.approved(orderId);
    // Held: authorized at the gateway, every line reserved, nothing confirmed, committed or captured.
    expect(rig.sandbox.ledger.payment(orderId)?.ledger).toMatchObject({ authorized: 3_200, captured: 0, voided: 0 });
    expect(await rig.phaseOf(orderId)).toBe('authorizing');
    expect(await stock('HELD-A')).toEqual({ onHand: 5, available: 3 });
    expect(await stock('HELD-B')).toEqual({ onHand: 5, available: 4 });

    await cancelAsCustomer(orderId);
    hold.release();

    expect(await rig.waitFor(orderId)).toBe('cancelled');
    expect(await order(orderId)).toMatchObject({ status: 'cancelled', reason: 'customer_request', by: 'customer' });
    expect(await rig.eventTypes(streams.order(orderId))).toEqual(['OrderPlaced', 'OrderCancelled']);
    // The authorization the saga heard of is recorded, then voided in full.
    const voided = await payment(orderId);
    expect(voided.status === 'authorized' ? voided.ledger : voided).toMatchObject({ authorized: 3_200, captured: 0, voided: 3_200 });
    // The gateway applied one authorization and one void, and was never asked to capture.
    expect(rig.sandbox.ledger.payment(orderId)?.effects.map((e) => e.operation)).toEqual(['authorize', 'void']);
    expect(rig.sandbox.ledger.payment(orderId)?.ledger).toMatchObject({ authorized: 3_200, captured: 0, voided: 3_200 });
    const requests = rig.sandbox.requests({ paymentId: orderId });
    expect(requests.filter((r) => r.operation === 'capture')).toEqual([]);
    expect(requests.filter((r) => r.operation === 'void' && !r.replayed).map((r) => r.status)).toEqual([200]);
    // Reservations released, never committed; the stock is all available again.
    for (const sku of ['HELD-A', 'HELD-B'])
      expect((await rig.eventTypes(streams.inventory(sku))).slice(2)).toEqual(['StockReserved', 'ReservationReleased']);
    expect(await stock('HELD-A')).toEqual({ onHand: 5, available: 5 });
    expect(await stock('HELD-B')).toEqual({ onHand: 5, available: 5 });
    const timers = await rig.pool.query('select * from checkout.timers where order_id = $1', [orderId]);
    expect(timers.rows).toEqual([]);
  });
});
