import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deciders, load, streams } from '../commands.js';
import type { CircuitState } from '../payments/paymentGateway.js';
import { checkoutStream } from './checkoutHandler.js';
import { checkoutOperators } from './checkoutOperators.js';
import { createCheckoutRig, type CheckoutRig } from './checkoutTesting.js';

const outageMs = 30_000;
const paymentTimeoutMs = 15_000;
/**
 * Orders whose payment deadline falls this close to the gateway's return may go either way: the half-open probe, the
 * retry backoff and the ticker all stand between the gateway answering again and the saga acting on it, and on a
 * loaded machine each can be late by seconds.
 */
const marginMs = 6_000;
const ordersPerSecond = 5;

describeWith('postgres', 'checkout saga while the payment gateway is down for 30 s', (use) => {
  let rig: CheckoutRig;
  beforeAll(async () => {
    rig = await createCheckoutRig(use().url);
    await rig.start({ policy: { paymentTimeoutMs, reservationTtlMs: 60_000, retryBaseMs: 200, retryMaxMs: 1_000 } });
    await rig.registerSku('OUTAGE-1', 100_000);
  });
  afterAll(async () => {
    await rig.close();
  });

  const setDown = async (down: boolean) => {
    const response = await fetch(`${rig.sandbox.url}/v1/admin/availability`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ down }),
    });
    expect(response.ok).toBe(true);
  };

  /** When the saga's payment timer for the order was due (ms since the epoch). */
  const paymentDueAt = async (orderId: string): Promise<number> => {
    for (const event of await rig.store.readStream(checkoutStream(orderId))) {
      const { timersSet = [] } = event.data as { timersSet?: { kind: string; dueAt: string }[] };
      const payment = timersSet.find((timer) => timer.kind === 'payment');
      if (payment !== undefined) return Date.parse(payment.dueAt);
    }
    throw new Error(`checkout ${orderId} never set a payment timer`);
  };

  it('opens the circuit, completes what can still be paid in time, cancels the rest as payment_timeout, strands nothing', async () => {
    const before = await rig.placeOrder([{ sku: 'OUTAGE-1', quantity: 1 }]);
    expect(await rig.waitFor(before)).toBe('completed');

    await setDown(true);
    const downAt = Date.now();
    const upAt = downAt + outageMs;
    const states = new Set<CircuitState>();
    const placed: { orderId: string; at: number }[] = [];
    // Paced by the clock, not by the previous order: a slow placement delays the next one but not the rest.
    while (Date.now() < upAt) {
      const at = Date.now();
      placed.push({ orderId: await rig.placeOrder([{ sku: 'OUTAGE-1', quantity: 1 }]), at });
      states.add(rig.gateway.circuitState());
      const next = downAt + (placed.length * 1_000) / ordersPerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
    await setDown(false);
    expect(states).toContain('open');
    const after = await rig.placeOrder([{ sku: 'OUTAGE-1', quantity: 1 }]);

    const outcomes = new Map<string, number>();
    const classified = { paidInTime: 0, timedOut: 0 };
    for (const { orderId, at } of placed) {
      const phase = await rig.waitFor(orderId, undefined, paymentTimeoutMs + 30_000);
      const order = await load(rig.store, streams.order(orderId), deciders.order);
      const outcome = order.status === 'cancelled' ? `cancelled:${order.reason}` : `${phase}:${order.status}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      // The deadline the saga set (once the stock was reserved), not the time of placing: a worker running behind
      // sets it later.
      const dueAt = await paymentDueAt(orderId);
      const when = `placed ${at - downAt} ms into the outage, payment due ${dueAt - upAt} ms after the gateway's return`;
      if (dueAt > upAt + marginMs) {
        classified.paidInTime += 1;
        expect(outcome, when).toBe('completed:confirmed');
      } else if (dueAt < upAt - marginMs) {
        classified.timedOut += 1;
        expect(outcome, when).toBe('cancelled:payment_timeout');
      } else expect(['completed:confirmed', 'cancelled:payment_timeout'], when).toContain(outcome);
    }
    // Both rules above were put to the test.
    expect(classified.paidInTime, JSON.stringify(classified)).toBeGreaterThan(0);
    expect(classified.timedOut, JSON.stringify(classified)).toBeGreaterThan(0);
    expect(await rig.waitFor(after)).toBe('completed');
    expect(outcomes.get('completed:confirmed')).toBeGreaterThan(0);
    expect(outcomes.get('cancelled:payment_timeout')).toBeGreaterThan(0);
    // Placing an order does not need the gateway: orders kept being taken all through the outage (150 if nothing
    // is slow; a loaded machine places fewer).
    expect(placed.length).toBeGreaterThanOrEqual(40);
    expect(rig.gateway.circuitState()).toBe('closed');
    expect(await checkoutOperators.list(rig.pool, { stuck: true })).toEqual([]);
    const stock = await load(rig.store, streams.inventory('OUTAGE-1'), deciders.inventory);
    const completed = outcomes.get('completed:confirmed') ?? 0;
    expect(stock.status === 'registered' ? stock.onHand : undefined).toBe(100_000 - completed - 2);
  }, 240_000);
});
