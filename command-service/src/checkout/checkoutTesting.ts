import { randomUUID } from 'node:crypto';
import { createEventStore, createLogger, type EventStore } from '@orderflow/platform';
import { availableStock, type OrderState, type PaymentState } from '@orderflow/domain';
import type { CheckoutPhase, CheckoutPolicy, OrderLine } from '@orderflow/schemas';
import pg from 'pg';
import { deciders, execute, load, metadataFor, streams } from '../commands.js';
import { createHttpPaymentGateway } from '../payments/httpPaymentGateway.js';
import type { PaymentGateway } from '../payments/paymentGateway.js';
import { startSandboxGateway, type RunningSandboxGateway } from '../payments/sandbox/startSandboxGateway.js';
import { listCheckouts } from './checkoutTables.js';
import { startCheckoutWorker, type CheckoutWorker, type CheckoutWorkerConfig } from './checkoutWorker.js';

/** Short limits so that timeouts and retries happen within a test's seconds. */
export const testPolicy: Partial<CheckoutPolicy> = {
  reservationTtlMs: 20_000,
  reservationGraceMs: 5_000,
  paymentTimeoutMs: 4_000,
  settleAfterMs: 2_000,
  retryBaseMs: 200,
  retryMaxMs: 1_000,
  maxCaptureAttempts: 3,
};

export const finalPhases: readonly CheckoutPhase[] = ['completed', 'cancelled', 'attention'];
const admin = { role: 'admin' as const, id: 'test-admin' };
const address = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

export interface CheckoutRig {
  readonly store: EventStore;
  readonly pool: pg.Pool;
  readonly sandbox: RunningSandboxGateway;
  readonly gateway: PaymentGateway;
  worker: CheckoutWorker | undefined;
  start(config?: CheckoutWorkerConfig): Promise<CheckoutWorker>;
  registerSku(sku: string, stock: number, unitPrice?: number): Promise<void>;
  placeOrder(lines: readonly { sku: string; quantity: number }[], token?: string): Promise<string>;
  phaseOf(orderId: string): Promise<CheckoutPhase | undefined>;
  waitFor(orderId: string, phases?: readonly CheckoutPhase[], timeoutMs?: number): Promise<CheckoutPhase>;
  eventTypes(streamId: string): Promise<string[]>;
  /** The order, its payment and a SKU's stock as their deciders fold them from the store. */
  order(orderId: string): Promise<OrderState>;
  payment(orderId: string): Promise<PaymentState>;
  stock(sku: string): Promise<{ onHand: number; available: number } | undefined>;
  /** The order's customer cancels it (`CancelOrder`, reason `customer_request`). */
  cancelAsCustomer(orderId: string): Promise<void>;
  close(): Promise<void>;
}

/** A real store, a real sandbox gateway over HTTP, the HTTP client, and (once `start`ed) the worker. */
export async function createCheckoutRig(
  databaseUrl: string,
  gatewayOptions: { timeoutMs?: number; hangMs?: number } = {},
): Promise<CheckoutRig> {
  const store = await createEventStore({ databaseUrl });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const sandbox = await startSandboxGateway({ port: 0, logger: false, hangMs: gatewayOptions.hangMs ?? 3_000 });
  const gateway = createHttpPaymentGateway({
    baseUrl: sandbox.url,
    timeoutMs: gatewayOptions.timeoutMs ?? 500,
    retries: 2,
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
    breaker: { consecutiveFailures: 5, halfOpenAfterMs: 1_000 },
    name: `test-${randomUUID().slice(0, 8)}`,
  });
  const prices = new Map<string, { name: string; unitPrice: number }>();
  const logger = createLogger('checkout-test', process.env.LOG_LEVEL ?? 'silent');
  const rig: CheckoutRig = {
    store,
    pool,
    sandbox,
    gateway,
    worker: undefined,
    async start(config = {}) {
      rig.worker = await startCheckoutWorker({
        store,
        pool,
        gateway,
        logger,
        config: { tickMs: 100, ...config, policy: { ...testPolicy, ...config.policy } },
      });
      return rig.worker;
    },
    async registerSku(sku, stock, unitPrice = 1_000) {
      const stream = streams.inventory(sku);
      const meta = () => metadataFor(randomUUID(), admin);
      const price = { amount: unitPrice, currency: 'EUR' };
      await execute(store, stream, deciders.inventory, {
        type: 'RegisterSku',
        data: { sku, name: sku, unitPrice: price, perCustomerLimit: 10_000 },
        metadata: meta(),
      });
      await execute(store, stream, deciders.inventory, { type: 'ReceiveStock', data: { sku, quantity: stock }, metadata: meta() });
      prices.set(sku, { name: sku, unitPrice });
    },
    async placeOrder(lines, token = 'tok_visa') {
      const orderId = randomUUID();
      const orderLines: OrderLine[] = lines.map(({ sku, quantity }) => ({
        sku,
        quantity,
        name: prices.get(sku)?.name ?? sku,
        unitPrice: { amount: prices.get(sku)?.unitPrice ?? 1_000, currency: 'EUR' },
      }));
      await execute(store, streams.order(orderId), deciders.order, {
        type: 'PlaceOrder',
        data: {
          orderId,
          customerId: `c-${orderId.slice(0, 8)}`,
          lines: orderLines,
          currency: 'EUR',
          shippingAddress: address,
          paymentMethodToken: token,
        },
        metadata: metadataFor(randomUUID(), { role: 'customer', id: 'c-1' }),
      });
      return orderId;
    },
    async phaseOf(orderId) {
      const [row] = await listCheckouts(pool, { orderId, limit: 1 });
      return row?.phase;
    },
    async waitFor(orderId, phases = finalPhases, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const phase = await rig.phaseOf(orderId);
        if (phase !== undefined && phases.includes(phase)) return phase;
        if (Date.now() > deadline)
          throw new Error(`checkout ${orderId} is ${phase ?? 'not started'}, not ${phases.join('|')}, after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async eventTypes(streamId) {
      return (await store.readStream(streamId)).map((e) => e.type);
    },
    order: (orderId) => load(store, streams.order(orderId), deciders.order),
    payment: (orderId) => load(store, streams.payment(orderId), deciders.payment),
    async stock(sku) {
      const item = await load(store, streams.inventory(sku), deciders.inventory);
      return item.status === 'registered' ? { onHand: item.onHand, available: availableStock(item) } : undefined;
    },
    async cancelAsCustomer(orderId) {
      const state = await rig.order(orderId);
      const customerId = state.status === 'empty' ? 'nobody' : state.facts.customerId;
      await execute(store, streams.order(orderId), deciders.order, {
        type: 'CancelOrder',
        data: { orderId, reason: 'customer_request' },
        metadata: metadataFor(`cancel-${orderId}`, { role: 'customer', id: customerId }),
      });
    },
    async close() {
      await rig.worker?.stop();
      await sandbox.close();
      await store.close();
      await pool.end();
    },
  };
  return rig;
}
