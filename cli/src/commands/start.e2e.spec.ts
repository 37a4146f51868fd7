import { rm } from 'node:fs/promises';
import { freePort, loadConfig, signToken } from '@orderflow/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineDataDir, startEngineProcess, type EngineProcess } from '../testing/engineProcess.js';
import { startOtlpReceiver } from '../testing/otlpReceiver.js';

const address = { name: 'Ada Lovelace', line1: '1 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' };

async function customerToken(sub: string): Promise<string> {
  const { auth } = loadConfig({});
  if (auth.secret === undefined) throw new Error('no development secret');
  return signToken({ ...auth, secret: auth.secret }, { sub, role: 'customer' });
}

async function call(url: string, token: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> };
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Places one order for `sku` as `customer` and returns its id and consistency token. */
async function placeOrder(engine: EngineProcess, token: string, sku: string, key: string, paymentMethodToken = 'tok_visa') {
  const placed = await call(`${engine.commandUrl}/v1/orders`, token, {
    method: 'POST',
    headers: { 'idempotency-key': key },
    body: { lines: [{ sku, quantity: 1 }], currency: 'EUR', shippingAddress: address, paymentMethodToken },
  });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  return { orderId: String(placed.body.orderId), position: String(placed.body.position) };
}

describe('pnpm start (the embedded engine in one process)', () => {
  let dataDir: string;
  let engine: EngineProcess;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    dataDir = await engineDataDir('orderflow-start-');
    otlp = await startOtlpReceiver();
    engine = await startEngineProcess({
      dataDir,
      ports: { command: await freePort(), query: await freePort(), gateway: await freePort(), postgres: await freePort() },
      env: { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
  });

  afterAll(async () => {
    const code = await engine.stop();
    await otlp.close();
    await rm(dataDir, { recursive: true, force: true });
    expect(code, engine.output()).toBe(0);
  });

  it('prints every URL, the documentation links and seeds the demo catalog', async () => {
    const out = engine.output();
    for (const url of [engine.commandUrl, engine.queryUrl, engine.gatewayUrl]) expect(out).toContain(url);
    expect(out).toContain('/docs');
    expect(out).toContain('/docs/events');
    const catalogDocument = (await (await fetch(`${engine.queryUrl}/docs/events`)).json()) as { asyncapi?: string };
    expect(catalogDocument.asyncapi).toMatch(/^3\./);
    const catalog = await eventually(async () => {
      const { status, body } = await call(`${engine.queryUrl}/v1/catalog`, engine.adminToken);
      const items = (body.items ?? []) as { sku: string }[];
      return status === 200 && items.length >= 4 ? items : undefined;
    });
    expect(catalog.map((item) => item.sku)).toContain('DROP-SNEAKER-42');
  });

  it('registers stock, places an order and reads it confirmed through the query API with its token', async () => {
    const admin = engine.adminToken;
    const registered = await call(`${engine.commandUrl}/v1/inventory`, admin, {
      method: 'POST',
      body: { sku: 'E2E-1', name: 'End-to-end tee', unitPrice: { amount: 1999, currency: 'EUR' }, perCustomerLimit: 3 },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const received = await call(`${engine.commandUrl}/v1/inventory/E2E-1/receive`, admin, { method: 'POST', body: { quantity: 10 } });
    expect(received.status, JSON.stringify(received.body)).toBe(200);

    const customer = await customerToken('e2e-customer');
    const { orderId, position } = await placeOrder(engine, customer, 'E2E-1', 'e2e-order-1');

    // Read-your-writes: with the token the order is there at once (placed or already further). The query API waits 5 s
    // for the projection to pass the token and answers 409 if it has not; a loaded machine may need longer, so a 409
    // is asked again. Any other answer is final, and a 200 must hold the order.
    const consistent = `${engine.queryUrl}/v1/orders/${orderId}?consistentWith=${encodeURIComponent(position)}`;
    const readUntil = Date.now() + 60_000;
    let first = await call(consistent, customer);
    while (first.status === 409 && Date.now() < readUntil) first = await call(consistent, customer);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.orderId).toBe(orderId);

    // Confirmation comes first, the capture right after it (the saga confirms, commits the stock, then captures).
    const confirmed = await eventually(async () => {
      const { body } = await call(`${engine.queryUrl}/v1/orders/${orderId}`, customer);
      const payment = body.payment as { status?: string } | undefined;
      return body.status === 'confirmed' && payment?.status === 'captured' ? body : undefined;
    });
    expect(confirmed.payment).toMatchObject({ status: 'captured', captured: 1999 });

    const notifications = await eventually(async () => {
      const { body } = await call(`${engine.queryUrl}/v1/notifications`, customer);
      const items = (body.items ?? []) as { orderId: string; kind: string }[];
      return items.some((n) => n.orderId === orderId && n.kind === 'order_confirmed') ? items : undefined;
    });
    expect(notifications.length).toBeGreaterThan(0);

    const stock = await eventually(async () => {
      const { body } = await call(`${engine.queryUrl}/v1/catalog/E2E-1`, customer);
      return body.sold === 1 ? body : undefined;
    });
    expect(stock).toMatchObject({ onHand: 9, reserved: 0, available: 9 });
  });

  it('serves /metrics, /healthz and /readyz on every service, with the counters moved', async () => {
    for (const base of [engine.commandUrl, engine.queryUrl, engine.gatewayUrl]) {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    }
    const metrics = await (await fetch(`${engine.commandUrl}/metrics`)).text();
    const placed = /orderflow_command_duration_seconds_count\{[^}]*command="PlaceOrder"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(placed?.[1] ?? 0)).toBeGreaterThan(0);
    expect(metrics).toMatch(/orderflow_projection_lag_events\{/);
    expect(metrics).toMatch(/orderflow_saga_checkouts\{/);
    expect(metrics).toMatch(/orderflow_gateway_circuit_state/);
    expect(metrics).toMatch(/nodejs_eventloop_lag/);
  });

  it('exports one trace that links the command request, the saga and the projection', async () => {
    const trace = await eventually(() => {
      const byTrace = new Map<string, string[]>();
      for (const span of otlp.spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span.name]);
      for (const names of byTrace.values()) {
        const all = names.join('\n');
        if (/POST \/v1\/orders/.test(all) && /^checkout /m.test(all) && /^processor (order-history|stock|notifications)$/m.test(all))
          return Promise.resolve(names);
      }
      return Promise.resolve(undefined);
    }, 20_000);
    expect(trace.length).toBeGreaterThanOrEqual(3);
  });
});
