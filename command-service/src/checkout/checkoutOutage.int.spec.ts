import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deciders, load, streams } from '../commands.js';
import type { CircuitState } from '../payments/paymentGateway.js';
import { checkoutOperators } from './checkoutOperators.js';
import { createCheckoutRig, type CheckoutRig } from './checkoutTesting.js';

const outageMs = 30_000;
const paymentTimeoutMs = 15_000;
/** Orders placed this close to the boundary may go either way (retry backoff, half-open probe, ticker). */
const marginMs = 3_000;
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

  it('opens the circuit, completes what can still be paid in time, cancels the rest as payment_timeout, strands nothing', async () => {
    const before = await rig.placeOrder([{ sku: 'OUTAGE-1', quantity: 1 }]);
    expect(await rig.waitFor(before)).toBe('completed');

    await setDown(true);
    const downAt = Date.now();
    const upAt = downAt + outageMs;
    const states = new Set<CircuitState>();
    const placed: { orderId: string; at: number }[] = [];
    while (Date.now() < upAt) {
      const at = Date.now();
      placed.push({ orderId: await rig.placeOrder([{ sku: 'OUTAGE-1', quantity: 1 }]), at });
      states.add(rig.gateway.circuitState());
      await new Promise((resolve) => setTimeout(resolve, 1_000 / ordersPerSecond));
    }
    await setDown(false);
    expect(states).toContain('open');
    const after = await rig.placeOrder([{ sku: 'OUTAGE-1', quantity: 1 }]);

    const outcomes = new Map<string, number>();
    for (const { orderId, at } of placed) {
      const phase = await rig.waitFor(orderId, undefined, paymentTimeoutMs + 10_000);
      const order = await load(rig.store, streams.order(orderId), deciders.order);
      const outcome = order.status === 'cancelled' ? `cancelled:${order.reason}` : `${phase}:${order.status}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      const paidInTime = at + paymentTimeoutMs > upAt + marginMs;
      const timedOut = at + paymentTimeoutMs < upAt - marginMs;
      if (paidInTime) expect(outcome, `placed ${at - downAt} ms into the outage`).toBe('completed:confirmed');
      else if (timedOut) expect(outcome, `placed ${at - downAt} ms into the outage`).toBe('cancelled:payment_timeout');
      else expect(['completed:confirmed', 'cancelled:payment_timeout']).toContain(outcome);
    }
    expect(await rig.waitFor(after)).toBe('completed');
    expect(outcomes.get('completed:confirmed')).toBeGreaterThan(0);
    expect(outcomes.get('cancelled:payment_timeout')).toBeGreaterThan(0);
    expect(placed.length).toBeGreaterThan(100);
    expect(rig.gateway.circuitState()).toBe('closed');
    expect(await checkoutOperators.list(rig.pool, { stuck: true })).toEqual([]);
    const stock = await load(rig.store, streams.inventory('OUTAGE-1'), deciders.inventory);
    const completed = outcomes.get('completed:confirmed') ?? 0;
    expect(stock.status === 'registered' ? stock.onHand : undefined).toBe(100_000 - completed - 2);
  }, 90_000);
});
