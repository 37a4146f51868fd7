import { createEventStore, loadConfig, signToken, type EventStore, type HttpApp } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCommandApp } from './app.js';

const config = loadConfig({});
const token = (sub: string, role: 'admin' | 'customer') => signToken({ ...config.auth, secret: config.auth.secret ?? '' }, { sub, role });
const address = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

describeWith('postgres', 'command API', (use) => {
  let store: EventStore;
  let app: HttpApp;
  beforeAll(async () => {
    store = await createEventStore({ databaseUrl: use().url });
    app = await buildCommandApp({ config, store, databaseUrl: use().url, logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });
  const call = async (method: 'POST' | 'PATCH', url: string, payload: unknown, auth?: string, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      payload: payload as Record<string, unknown>,
      headers: { ...(auth === undefined ? {} : { authorization: `Bearer ${auth}` }), ...headers },
    });
  const order = (lines: { sku: string; quantity: number }[]) => ({
    lines,
    currency: 'EUR',
    shippingAddress: address,
    paymentMethodToken: 'pm_test_visa_4242',
  });

  it('registers a SKU, receives stock, and places an order priced from the catalog', async () => {
    const admin = await token('ops-1', 'admin');
    const registered = await call(
      'POST',
      '/v1/inventory',
      { sku: 'SNEAKER-42', name: 'Sneaker 42', unitPrice: { amount: 12_000, currency: 'EUR' }, perCustomerLimit: 2 },
      admin,
    );
    expect(registered.statusCode).toBe(201);
    expect(registered.headers.etag).toBe('"0"');
    expect((await call('POST', '/v1/inventory/SNEAKER-42/receive', { quantity: 100 }, admin)).statusCode).toBe(200);

    const placed = await call('POST', '/v1/orders', order([{ sku: 'SNEAKER-42', quantity: 2 }]), await token('c-1', 'customer'), {
      'idempotency-key': 'k-1',
    });
    expect(placed.statusCode).toBe(201);
    const body = placed.json<{ orderId: string; position: string; total: unknown; streamId: string }>();
    expect(body.total).toEqual({ amount: 24_000, currency: 'EUR' });
    expect(placed.headers.location).toBe(`/v1/orders/${body.orderId}`);
    const [event] = await store.readStream(body.streamId);
    expect(event?.type).toBe('OrderPlaced');
    expect(event?.data).toMatchObject({
      customerId: 'c-1',
      lines: [{ sku: 'SNEAKER-42', name: 'Sneaker 42', quantity: 2, unitPrice: { amount: 12_000, currency: 'EUR' } }],
    });
    expect(event?.position).toBe(body.position);
    const again = await call('POST', '/v1/orders', order([{ sku: 'SNEAKER-42', quantity: 2 }]), await token('c-1', 'customer'), {
      'idempotency-key': 'k-1',
    });
    expect(again.body).toBe(placed.body);
  });

  it('answers with precise problems: missing key, wrong role, unknown SKU, out of stock', async () => {
    const customer = await token('c-2', 'customer');
    const noKey = await call('POST', '/v1/orders', order([{ sku: 'SNEAKER-42', quantity: 1 }]), customer);
    expect([noKey.statusCode, noKey.json<{ code: string }>().code]).toEqual([400, 'validation_failed']);
    const asAdmin = await call('POST', '/v1/orders', order([{ sku: 'SNEAKER-42', quantity: 1 }]), await token('ops-1', 'admin'), {
      'idempotency-key': 'k-2',
    });
    expect(asAdmin.statusCode).toBe(403);
    const unknown = await call('POST', '/v1/orders', order([{ sku: 'NOPE-1', quantity: 1 }]), customer, { 'idempotency-key': 'k-3' });
    expect(unknown.json()).toMatchObject({ status: 422, code: 'unknown_sku', sku: 'NOPE-1' });
    const tooMany = await call('POST', '/v1/orders', order([{ sku: 'SNEAKER-42', quantity: 500 }]), customer, { 'idempotency-key': 'k-4' });
    expect(tooMany.json()).toMatchObject({ status: 409, code: 'out_of_stock', sku: 'SNEAKER-42', available: 100 });
  });

  it('hides other customers’ orders (404), lets the owner cancel, and refuses a stale If-Match (412)', async () => {
    const owner = await token('c-3', 'customer');
    const placed = await call('POST', '/v1/orders', order([{ sku: 'SNEAKER-42', quantity: 1 }]), owner, { 'idempotency-key': 'k-5' });
    const { orderId } = placed.json<{ orderId: string }>();
    const stranger = await call('POST', `/v1/orders/${orderId}/cancel`, {}, await token('c-4', 'customer'));
    expect([stranger.statusCode, stranger.json<{ code: string }>().code]).toEqual([404, 'order_not_found']);
    const stale = await call('POST', `/v1/orders/${orderId}/cancel`, {}, owner, { 'if-match': '"7"' });
    expect(stale.statusCode).toBe(412);
    const cancelled = await call('POST', `/v1/orders/${orderId}/cancel`, {}, owner, { 'if-match': '"0"' });
    expect([cancelled.statusCode, cancelled.headers.etag]).toEqual([200, '"1"']);
    const [, event] = await store.readStream(`order-${orderId}`);
    expect(event?.data).toMatchObject({ reason: 'customer_request', by: 'customer' });
  });

  it('turns malformed input on every route into a 4xx problem and appends nothing', async () => {
    const admin = await token('ops-1', 'admin');
    const customer = await token('c-5', 'customer');
    const before = (await store.readAll()).length;
    const routes: ['POST' | 'PATCH', string, string][] = [
      ['POST', '/v1/orders', customer],
      ['POST', '/v1/orders/o-1/cancel', customer],
      ['POST', '/v1/orders/o-1/ship', admin],
      ['POST', '/v1/orders/o-1/deliver', admin],
      ['POST', '/v1/orders/o-1/refund', admin],
      ['POST', '/v1/inventory', admin],
      ['POST', '/v1/inventory/SNEAKER-42/receive', admin],
      ['POST', '/v1/inventory/SNEAKER-42/adjust', admin],
      ['PATCH', '/v1/inventory/SNEAKER-42', admin],
    ];
    const bodies: unknown[] = [
      { lines: 'x', quantity: 'ten', amount: { amount: -5, currency: 'eur' } },
      { quantity: 1e308, delta: Number.MAX_SAFE_INTEGER * 4, unitPrice: { amount: 1.5, currency: 'EUR' } },
      { quantity: -3, unknownField: true, sku: 'lower-case' },
      { name: 'x'.repeat(1_000_000) },
      [1, 2, 3],
      'not json at all',
    ];
    for (const [method, url, auth] of routes)
      for (const payload of bodies) {
        const res = await app.inject({
          method,
          url,
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
          headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json', 'idempotency-key': `fuzz-${Math.random()}` },
        });
        expect(res.statusCode, `${method} ${url} ${JSON.stringify(payload).slice(0, 60)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    expect((await store.readAll()).length).toBe(before);
  });
});
