import { createLogger, migrate } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCheckoutInbox } from './checkoutInbox.js';
import type { RoutedInput } from './checkoutInputs.js';
import { checkoutMigrations } from './checkoutTables.js';

const logger = createLogger('checkout-inbox-test', 'silent');
const input = (orderId: string, n: number): RoutedInput => ({
  orderId,
  inputId: `e:${n}`,
  input: { kind: 'order_confirmed' },
  traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
});

describeWith('postgres', 'checkout inbox', (use) => {
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: use().url, max: 4 });
    await migrate(pool, 'checkout', checkoutMigrations);
  });
  afterAll(async () => {
    await pool.end();
  });
  const stored = async () =>
    (await pool.query<{ input_id: string; attempts: number }>('select input_id, attempts from checkout.inbox order by seq')).rows;
  const eventually = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 5_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('returns once the inputs are stored, before they are handled, and removes them once handled', async () => {
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inbox = createCheckoutInbox(
      pool,
      async (routed) => {
        await gate;
        seen.push(`${routed.orderId}/${routed.inputId}`);
      },
      logger,
    );
    await inbox.admit([input('A', 1), input('B', 2), input('A', 3)]);
    expect(inbox.inFlight()).toBe(3);
    expect((await stored()).map((r) => r.input_id)).toEqual(['e:1', 'e:2', 'e:3']);
    await inbox.admit([input('A', 1)]); // a redelivered batch: stored once, handled once
    expect(inbox.inFlight()).toBe(3);
    release();
    await inbox.drain(5_000);
    expect(seen).toEqual(['A/e:1', 'B/e:2', 'A/e:3']);
    expect(await stored()).toEqual([]);
  });

  it('keeps a failed input, counts its attempts, and handles it again when it is due', async () => {
    let failures = 1;
    const handled: string[] = [];
    const inbox = createCheckoutInbox(
      pool,
      (routed) => {
        if (failures-- > 0) return Promise.reject(new Error('database went away'));
        handled.push(routed.inputId);
        return Promise.resolve();
      },
      logger,
      { retryAfterMs: 60_000 },
    );
    await inbox.admit([input('C', 1)]);
    await eventually(async () => (await stored()).some((r) => r.attempts === 1));
    expect(await inbox.sweep()).toBe(0); // not due yet
    // An hour passes, as far as the inbox can tell: the failure is recorded as admitted then.
    await pool.query(`update checkout.inbox set admitted_at = admitted_at - interval '1 hour' where order_id = 'C'`);
    expect(await inbox.sweep()).toBe(1);
    await inbox.drain(5_000);
    expect(handled).toEqual(['e:1']);
    expect(await stored()).toEqual([]);
  });

  it('hands what a dead process left behind to the next one first, in log order, exactly what was stored', async () => {
    const dead = createCheckoutInbox(pool, () => new Promise<void>(() => undefined), logger); // never finishes: the process died
    await dead.admit([input('D', 1), input('E', 2), input('D', 3)]);
    expect(dead.inFlight()).toBe(3);

    const handled: RoutedInput[] = [];
    const next = createCheckoutInbox(
      pool,
      (routed) => {
        handled.push(routed);
        return Promise.resolve();
      },
      logger,
    );
    await next.admit([input('D', 4)]);
    await next.drain(5_000);
    expect(handled.map((r) => `${r.orderId}/${r.inputId}`)).toEqual(['D/e:1', 'E/e:2', 'D/e:3', 'D/e:4']);
    expect(handled[0]).toEqual(input('D', 1));
    expect(await stored()).toEqual([]);
  });

  it('stops reading the log while too many inputs are in flight', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inbox = createCheckoutInbox(pool, () => gate, logger, { maxInFlight: 2 });
    let admitted = false;
    const admitting = inbox.admit([input('F', 1), input('G', 2), input('H', 3)]).then(() => (admitted = true));
    await eventually(async () => (await stored()).length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(admitted).toBe(false);
    release();
    await admitting;
    await inbox.drain(5_000);
    expect(await stored()).toEqual([]);
  });

  it('handles at most `concurrency` inputs at once, the others in the order they came', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const inbox = createCheckoutInbox(
      pool,
      async (routed) => {
        started.push(routed.orderId);
        await gate;
      },
      logger,
      { concurrency: 2 },
    );
    await inbox.admit(['I', 'J', 'K', 'L', 'M'].map((orderId, n) => input(orderId, n)));
    await eventually(() => Promise.resolve(started.length === 2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toEqual(['I', 'J']);
    release();
    await inbox.drain(5_000);
    expect(started).toEqual(['I', 'J', 'K', 'L', 'M']);
    expect(await stored()).toEqual([]);
  });
});
