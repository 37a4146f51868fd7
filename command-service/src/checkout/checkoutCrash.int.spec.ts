import path from 'node:path';
import { availableStock } from '@orderflow/domain';
import { migrate } from '@orderflow/platform';
import { describeWith, startSourceProcess, within, type SourceProcess } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deciders, load, streams } from '../commands.js';
import { checkoutMigrations } from './checkoutTables.js';
import { createCheckoutRig, type CheckoutRig } from './checkoutTesting.js';

const entry = path.join(import.meta.dirname, 'testing', 'sagaWorkerProcess.ts');

describeWith('postgres', 'checkout saga crash safety', (use) => {
  let rig: CheckoutRig;
  const running = new Set<SourceProcess>();

  function startWorker(killAfterSteps?: number): SourceProcess {
    const child = startSourceProcess(entry, {
      DATABASE_URL: use().url,
      GATEWAY_URL: rig.sandbox.url,
      ...(killAfterSteps === undefined ? {} : { KILL_AFTER_STEPS: String(killAfterSteps) }),
    });
    running.add(child);
    void child.exited.then(() => running.delete(child));
    return child;
  }

  beforeAll(async () => {
    rig = await createCheckoutRig(use().url);
    await migrate(rig.pool, 'checkout', checkoutMigrations);
    await rig.registerSku('CRASH-A', 1_000);
    await rig.registerSku('CRASH-B', 1_000);
  });
  afterAll(async () => {
    await Promise.all([...running].map((w) => w.stop()));
    await rig.close();
  });

  /** What the sandbox applied for one payment, as it reports it over HTTP. */
  async function gatewayEffects(paymentId: string): Promise<string[]> {
    const response = await fetch(`${rig.sandbox.url}/v1/operations?paymentId=${paymentId}`);
    const body = (await response.json()) as { effects: { operation: string }[] };
    return body.effects.map((e) => e.operation);
  }

  const eventsOf = async (streamId: string, orderId: string) =>
    (await rig.store.readStream(streamId)).filter((e) => e.data.orderId === orderId).map((e) => e.type);

  /** Places a completing and a declined order, runs the worker (killed first after `killAfter` steps), and checks the outcome. */
  async function round(killAfter?: number): Promise<number> {
    const happy = await rig.placeOrder([{ sku: 'CRASH-A', quantity: 1 }]);
    const declined = await rig.placeOrder([{ sku: 'CRASH-B', quantity: 1 }], 'tok_declined');
    if (killAfter !== undefined) {
      const doomed = startWorker(killAfter);
      expect(await within(doomed.exited, 60_000, `worker killed after ${killAfter} steps`)).toEqual({ code: null, signal: 'SIGKILL' });
    }
    const worker = startWorker();
    try {
      expect(await rig.waitFor(happy, undefined, 60_000)).toBe('completed');
      expect(await rig.waitFor(declined, undefined, 60_000)).toBe('cancelled');
    } finally {
      await worker.stop();
    }
    const context = `killed after ${killAfter ?? 'no'} steps`;
    // The same terminal state as an uninterrupted run, every effect applied once.
    expect(await eventsOf(streams.order(happy), happy), context).toEqual(['OrderPlaced', 'OrderConfirmed']);
    expect(await eventsOf(streams.inventory('CRASH-A'), happy), context).toEqual(['StockReserved', 'ReservationCommitted']);
    expect(await eventsOf(streams.payment(happy), happy), context).toEqual(['PaymentRequested', 'PaymentAuthorized', 'PaymentCaptured']);
    expect(await gatewayEffects(happy), context).toEqual(['authorize', 'capture']);
    expect(await load(rig.store, streams.order(declined), deciders.order), context).toMatchObject({
      status: 'cancelled',
      reason: 'payment_declined',
    });
    expect(await eventsOf(streams.inventory('CRASH-B'), declined), context).toEqual(['StockReserved', 'ReservationReleased']);
    expect(await eventsOf(streams.payment(declined), declined), context).toEqual(['PaymentRequested', 'PaymentDeclined']);
    expect(await gatewayEffects(declined), context).toEqual([]);
    const timers = await rig.pool.query('select 1 from checkout.timers where order_id = any($1)', [[happy, declined]]);
    expect(timers.rowCount, context).toBe(0);
    const steps = /steps (\d+)/.exec(worker.stdout())?.[1];
    return Number(steps);
  }

  it('reaches the uninterrupted outcome, each effect once, whichever step the worker is SIGKILLed at', async () => {
    const steps = await round();
    expect(steps).toBeGreaterThanOrEqual(10);
    for (let n = 1; n <= steps; n++) await round(n);
    const item = await load(rig.store, streams.inventory('CRASH-B'), deciders.inventory);
    expect(item.status === 'registered' ? [item.onHand, availableStock(item)] : undefined).toEqual([1_000, 1_000]);
  }, 400_000);
});
