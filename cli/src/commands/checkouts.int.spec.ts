import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  buildCommandApp,
  createHttpPaymentGateway,
  startCheckoutWorker,
  startSandboxGateway,
  type CheckoutWorker,
  type PaymentGateway,
  type RunningSandboxGateway,
} from '@orderflow/command-service';
import { createEventStore, createLogger, loadConfig, signToken, type EventStore, type HttpApp } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');

describeWith('postgres', 'orderflow checkouts on a database the saga never ran against', (use) => {
  const cli = (...args: string[]) =>
    run('node', ['--conditions=@orderflow/source', '--import', 'tsx', 'cli/src/main.ts', 'checkouts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: use().url },
    });

  it('lists nothing with a clean message, not a stack trace', async () => {
    const { stdout, stderr } = await cli('list', '--stuck');
    expect(stdout).toBe('no checkouts: the checkout saga has not run against this database yet (no checkout tables)\n');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a retry with one error line and exit code 1', async () => {
    const failed = await cli('retry', 'order-1').then(
      () => undefined,
      (err: unknown) => err as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr.trim()).toBe('error: the checkout saga has not run against this database yet (no checkout tables)');
  });
});

/** Any token the sandbox does not know approves; these two also stage what an operator meets. */
const tokens = {
  /** Approved, then the sandbox goes down: every capture fails until it is back. */
  outageAfterAuthorize: 'pm_test_outage_after_authorize',
  /** Approved, but the answer is held back from the saga until the end of the file: the checkout stays authorizing. */
  answerHeld: 'pm_test_answer_held',
};
const config = loadConfig({});
const address = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

describeWith('postgres', 'orderflow checkouts on a running saga', (use) => {
  let store: EventStore;
  let pool: pg.Pool;
  let app: HttpApp;
  let sandbox: RunningSandboxGateway;
  let worker: CheckoutWorker;
  let releaseHeldAnswers: () => void = () => undefined;
  const heldAnswers = new Promise<void>((resolve) => {
    releaseHeldAnswers = resolve;
  });
  // Each call starts Node and compiles the CLI with tsx: seconds on a loaded machine.
  const cli = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: use().url };
    delete env.EVENTSTORE_URL;
    return run('node', ['--conditions=@orderflow/source', '--import', 'tsx', 'cli/src/main.ts', 'checkouts', ...args], {
      cwd: root,
      env,
      timeout: 120_000,
    });
  };
  const listed = async (...args: string[]) =>
    (await cli('list', '--json', ...args)).stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { orderId: string; phase: string; reason: string | null });

  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    pool = new pg.Pool({ connectionString: use().url, max: 4 });
    app = await buildCommandApp({ config, store, databaseUrl: use().url, logger: false });
    sandbox = await startSandboxGateway({ port: 0, logger: false });
    // No circuit breaker to speak of: what a test stages for one checkout must not make the gateway unavailable to another.
    const client = createHttpPaymentGateway({
      baseUrl: sandbox.url,
      retries: 2,
      backoff: { initialDelayMs: 20, maxDelayMs: 100 },
      breaker: { consecutiveFailures: 1_000_000 },
      name: 'cli-checkouts',
    });
    const gateway: PaymentGateway = {
      async authorize(request, signal) {
        const outcome = await client.authorize(request, signal);
        if (outcome.outcome === 'approved' && request.paymentMethodToken === tokens.outageAfterAuthorize) sandbox.setDown(true);
        if (outcome.outcome === 'approved' && request.paymentMethodToken === tokens.answerHeld) await heldAnswers;
        return outcome;
      },
      capture: (request, signal) => client.capture(request, signal),
      void: (request, signal) => client.void(request, signal),
      refund: (request, signal) => client.refund(request, signal),
      circuitState: () => client.circuitState(),
    };
    worker = await startCheckoutWorker({
      store,
      pool,
      gateway,
      logger: createLogger('checkouts-cli-test', process.env.LOG_LEVEL ?? 'silent'),
      config: {
        tickMs: 100,
        policy: {
          paymentTimeoutMs: 60_000,
          reservationTtlMs: 60_000,
          settleAfterMs: 2_000,
          retryBaseMs: 200,
          retryMaxMs: 1_000,
          maxCaptureAttempts: 3,
        },
      },
    });
    const admin = await token('ops-1', 'admin');
    for (const sku of ['CLI-STUCK', 'CLI-RETRY', 'CLI-CANCEL']) {
      const registered = await call(
        '/v1/inventory',
        { sku, name: sku, unitPrice: { amount: 2_500, currency: 'EUR' }, perCustomerLimit: 100 },
        admin,
      );
      expect(registered.statusCode).toBe(201);
      expect((await call(`/v1/inventory/${sku}/receive`, { quantity: 10 }, admin)).statusCode).toBe(200);
    }
  });
  afterAll(async () => {
    releaseHeldAnswers();
    await worker.stop();
    await sandbox.close();
    await app.close();
    await store.close();
    await pool.end();
  });

  const token = (sub: string, role: 'admin' | 'customer') => signToken({ ...config.auth, secret: config.auth.secret ?? '' }, { sub, role });
  const call = async (url: string, payload: object, auth: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${auth}`, ...headers } });
  /** Places an order through the command API, as a customer; the saga takes it from the log. */
  const place = async (sku: string, quantity: number, paymentMethodToken: string) => {
    const placed = await call(
      '/v1/orders',
      { lines: [{ sku, quantity }], currency: 'EUR', shippingAddress: address, paymentMethodToken },
      await token('c-1', 'customer'),
      { 'idempotency-key': crypto.randomUUID() },
    );
    expect(placed.statusCode).toBe(201);
    return placed.json<{ orderId: string }>().orderId;
  };
  const phaseOf = async (orderId: string) =>
    (await pool.query<{ phase: string }>('select phase from checkout.checkouts where order_id = $1', [orderId])).rows[0]?.phase;
  const waitFor = async (orderId: string, phase: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (let current = await phaseOf(orderId); current !== phase; current = await phaseOf(orderId)) {
      if (Date.now() > deadline) throw new Error(`checkout ${orderId} is ${current ?? 'not started'}, not ${phase}`);
      await sleep(50);
    }
  };
  const eventsOf = async (streamId: string) => await store.readStream(streamId);
  const typesOf = async (streamId: string) => (await eventsOf(streamId)).map((e) => e.type);
  const atGateway = (orderId: string) => sandbox.ledger.payment(orderId)?.effects.map((e) => e.operation) ?? [];

  it(
    'list --stuck: checkouts raised to operators, and open ones unchanged for --stuck-after, never healthy ones',
    { timeout: 180_000 },
    async () => {
      const open = await place('CLI-STUCK', 1, tokens.answerHeld);
      await waitFor(open, 'authorizing');
      const openSince = Date.now();
      const raised = await place('CLI-STUCK', 1, 'tok_capture_error');
      await waitFor(raised, 'attention');
      // Placed last, so the newest checkout of all is a healthy one.
      const healthy = await place('CLI-STUCK', 1, 'tok_visa');
      await waitFor(healthy, 'completed');

      const table = (await cli('list', '--stuck')).stdout.split('\n');
      expect(table[0]).toMatch(/^order +phase +reason +updated +next timer$/);
      expect(table.slice(1)).toEqual([expect.stringMatching(new RegExp(`^${raised} +attention +\\S+ +-$`)), '1 checkout(s)', '']);

      // The open one has a live timer: stuck only once unchanged for longer than --stuck-after.
      await sleep(Math.max(0, openSince + 1_100 - Date.now()));
      const late = await listed('--stuck', '--stuck-after', '1');
      expect(late.map((r) => [r.orderId, r.phase]).sort()).toEqual(
        [
          [open, 'authorizing'],
          [raised, 'attention'],
        ].sort(),
      );
      // --limit bounds the stuck checkouts listed, not the newest checkouts looked at.
      expect((await listed('--stuck', '--limit', '1')).map((r) => r.orderId)).toEqual([raised]);
    },
  );

  it(
    'retry: a checkout raised after its captures failed in an outage completes once the gateway is back',
    { timeout: 180_000 },
    async () => {
      const orderId = await place('CLI-RETRY', 2, tokens.outageAfterAuthorize);
      await waitFor(orderId, 'attention');
      expect(sandbox.isDown()).toBe(true);
      expect(atGateway(orderId)).toEqual(['authorize']);
      const captures = sandbox.requests({ paymentId: orderId }).filter((r) => r.operation === 'capture');
      expect(captures.length).toBeGreaterThanOrEqual(3);
      expect(captures.every((r) => r.status === 503)).toBe(true);

      sandbox.setDown(false);
      expect((await cli('retry', orderId)).stdout).toBe(`retry requested for ${orderId} (was attention)\n`);
      await waitFor(orderId, 'completed');
      expect(atGateway(orderId)).toEqual(['authorize', 'capture']);
      expect(sandbox.ledger.payment(orderId)?.ledger).toMatchObject({ authorized: 5_000, captured: 5_000 });
      expect(await typesOf(`payment-${orderId}`)).toEqual(['PaymentRequested', 'PaymentAuthorized', 'PaymentCaptured']);
      expect(await typesOf(`order-${orderId}`)).toEqual(['OrderPlaced', 'OrderConfirmed']);
    },
  );

  it(
    'cancel: an operator cancel of a checkout raised after failed captures voids the authorization and returns the stock',
    { timeout: 180_000 },
    async () => {
      const orderId = await place('CLI-CANCEL', 2, 'tok_capture_error');
      await waitFor(orderId, 'attention');
      const cancelled = await cli('cancel', orderId, '--operator', 'ops-7', '--detail', 'capture keeps failing');
      expect(cancelled.stdout).toBe(`order ${orderId} cancelled (operator)\n`);
      await waitFor(orderId, 'cancelled');

      const orderEvents = await eventsOf(`order-${orderId}`);
      expect(orderEvents.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderCancelled']);
      expect(orderEvents.at(-1)?.data).toEqual({ orderId, reason: 'operator', detail: 'capture keeps failing', by: 'admin' });
      expect(orderEvents.at(-1)?.metadata).toMatchObject({ actor: 'admin:ops-7' });
      expect(atGateway(orderId)).toEqual(['authorize', 'void']);
      expect(sandbox.ledger.payment(orderId)?.ledger).toMatchObject({ authorized: 5_000, captured: 0, voided: 5_000 });
      expect(await typesOf(`payment-${orderId}`)).toEqual(['PaymentRequested', 'PaymentAuthorized', 'PaymentVoided']);
      // The committed stock comes back.
      const inventory = await eventsOf('inventory-CLI-CANCEL');
      expect(inventory.slice(-3).map((e) => e.type)).toEqual(['StockReserved', 'ReservationCommitted', 'StockAdjusted']);
      expect(inventory.at(-1)?.data).toMatchObject({ delta: 2, reason: 'returned' });

      expect((await cli('cancel', orderId)).stdout).toBe(`order ${orderId} was already cancelled\n`);
    },
  );

  it('cancel: an operator cancel of a completed order refunds what was captured', { timeout: 180_000 }, async () => {
    const orderId = await place('CLI-CANCEL', 1, 'tok_visa');
    await waitFor(orderId, 'completed');
    expect((await cli('cancel', orderId)).stdout).toBe(`order ${orderId} cancelled (operator)\n`);
    await waitFor(orderId, 'cancelled');
    expect((await eventsOf(`order-${orderId}`)).at(-1)?.data).toMatchObject({ reason: 'operator', by: 'admin' });
    expect(atGateway(orderId)).toEqual(['authorize', 'capture', 'refund']);
    expect(sandbox.ledger.payment(orderId)?.ledger).toMatchObject({ captured: 2_500, refunded: 2_500, voided: 0 });
    expect((await typesOf(`payment-${orderId}`)).at(-1)).toBe('PaymentRefunded');
  });
});
