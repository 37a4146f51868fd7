import { metricsRegistry } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkoutOperators } from './checkoutOperators.js';
import type { CheckoutRig } from './checkoutTesting.js';
import { createHeldCheckoutRig, type AuthorizationHold } from './testing/holdAuthorizations.js';

const states = ['reserving', 'authorizing', 'completing', 'completed', 'compensating', 'cancelled', 'attention'];
const heldToken = 'pm_test_answer_held';

/** What Prometheus scrapes: the `orderflow_saga_checkouts{state="…"} n` lines of the exposition text. */
async function scrapedByState(): Promise<Record<string, number>> {
  const text = await metricsRegistry.getSingleMetricAsString('orderflow_saga_checkouts');
  const found: Record<string, number> = {};
  for (const [, state = '', value = ''] of text.matchAll(/^orderflow_saga_checkouts\{state="([a-z]+)"\} (\S+)$/gm))
    found[state] = Number(value);
  return found;
}

describeWith('postgres', 'checkout metrics', (use) => {
  let rig: CheckoutRig;
  let hold: AuthorizationHold;
  beforeAll(async () => {
    // An authorization of `heldToken` is approved by the sandbox and its answer held: that checkout stays authorizing,
    // without a failing request that would open the client's circuit breaker for the others.
    ({ rig, hold } = await createHeldCheckoutRig(use().url, heldToken, { paymentTimeoutMs: 60_000, reservationTtlMs: 60_000 }));
  });
  afterAll(async () => {
    hold.release();
    await rig.close();
  });

  /** The database's own count per phase, every phase named (0 when none). */
  const heldByState = async () => {
    const { rows } = await rig.pool.query<{ phase: string; n: string }>(
      'select phase, count(*) as n from checkout.checkouts group by phase',
    );
    return Object.fromEntries(states.map((s) => [s, Number(rows.find((r) => r.phase === s)?.n ?? 0)]));
  };
  const scrapedStuck = async () => {
    const text = await metricsRegistry.getSingleMetricAsString('orderflow_saga_stuck');
    return Number(/^orderflow_saga_stuck (\S+)$/m.exec(text)?.[1]);
  };

  it('counts checkouts per state as the database holds them, at every scrape', async () => {
    await rig.registerSku('METRIC-1', 50);
    const completed = [await rig.placeOrder([{ sku: 'METRIC-1', quantity: 1 }]), await rig.placeOrder([{ sku: 'METRIC-1', quantity: 2 }])];
    const declined = await rig.placeOrder([{ sku: 'METRIC-1', quantity: 1 }], 'tok_insufficient_funds');
    const raised = await rig.placeOrder([{ sku: 'METRIC-1', quantity: 1 }], 'tok_capture_error');
    const pending = await rig.placeOrder([{ sku: 'METRIC-1', quantity: 1 }], heldToken);
    for (const orderId of completed) expect(await rig.waitFor(orderId)).toBe('completed');
    expect(await rig.waitFor(declined)).toBe('cancelled');
    expect(await rig.waitFor(raised)).toBe('attention');
    await hold.approved(pending);
    expect(await rig.phaseOf(pending)).toBe('authorizing');

    const expected = { reserving: 0, authorizing: 1, completing: 0, completed: 2, compensating: 0, cancelled: 1, attention: 1 };
    expect(await heldByState()).toEqual(expected);
    expect(await scrapedByState()).toEqual(expected);
    expect(await scrapedStuck()).toBe(1);

    // Later scrapes follow the database: the raised checkout, cancelled by an operator, is cancelled; the held one,
    // answered, completes.
    await checkoutOperators.cancel(rig.store, raised, 'ops-1');
    expect(await rig.waitFor(raised, ['cancelled'])).toBe('cancelled');
    const afterCancel = { ...expected, attention: 0, cancelled: 2 };
    expect(await heldByState()).toEqual(afterCancel);
    expect(await scrapedByState()).toEqual(afterCancel);
    expect(await scrapedStuck()).toBe(0);

    hold.release();
    expect(await rig.waitFor(pending)).toBe('completed');
    const afterRelease = { ...afterCancel, authorizing: 0, completed: 3 };
    expect(await heldByState()).toEqual(afterRelease);
    expect(await scrapedByState()).toEqual(afterRelease);
  });
});
