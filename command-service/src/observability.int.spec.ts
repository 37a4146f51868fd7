import {
  createEventStore,
  createLogger,
  loadConfig,
  recordSpans,
  signToken,
  type EventStore,
  type HttpApp,
  type SpanRecorder,
} from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCommandApp } from './app.js';

const config = loadConfig({});
const token = (sub: string, role: 'admin' | 'customer') => signToken({ ...config.auth, secret: config.auth.secret ?? '' }, { sub, role });
const address = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

/** The value of one sample line of the Prometheus text (`name{labels} value`), 0 when absent. */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describeWith('postgres', 'command API observability', (use) => {
  const lines: Record<string, unknown>[] = [];
  let recorder: SpanRecorder;
  let store: EventStore;
  let app: HttpApp;
  beforeAll(async () => {
    recorder = recordSpans('command-service');
    const logger = createLogger('command-service', 'info', {
      format: 'json',
      destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    store = await createEventStore({ databaseUrl: use().url });
    app = await buildCommandApp({ config, store, databaseUrl: use().url, logger });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    // The readiness test closes the store itself.
    await store.close().catch(() => undefined);
    await recorder.telemetry.shutdown();
  });

  it('traces a placed order from the HTTP request through the command to the event, logs with ids, and counts it', async () => {
    const metricsBefore = (await app.inject({ url: '/metrics' })).body;
    const admin = await token('ops-1', 'admin');
    const sku = { sku: 'OBS-1', name: 'Observed', unitPrice: { amount: 500, currency: 'EUR' }, perCustomerLimit: 2 };
    expect(
      (await app.inject({ method: 'POST', url: '/v1/inventory', payload: sku, headers: { authorization: `Bearer ${admin}` } })).statusCode,
    ).toBe(201);
    await app.inject({
      method: 'POST',
      url: '/v1/inventory/OBS-1/receive',
      payload: { quantity: 5 },
      headers: { authorization: `Bearer ${admin}` },
    });
    const customer = await token('c-obs', 'customer');
    const placed = await app.inject({
      method: 'POST',
      url: '/v1/orders',
      payload: {
        lines: [{ sku: 'OBS-1', quantity: 1 }],
        currency: 'EUR',
        shippingAddress: address,
        paymentMethodToken: 'pm_test_visa_4242',
      },
      headers: { authorization: `Bearer ${customer}`, 'idempotency-key': 'obs-1', 'x-request-id': 'corr-obs-1' },
    });
    expect(placed.statusCode).toBe(201);
    const { orderId, streamId } = placed.json<{ orderId: string; streamId: string }>();

    const http = recorder.span('POST /v1/orders');
    const command = recorder.span('command PlaceOrder');
    expect(command.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
    const [event] = await store.readStream(streamId);
    expect(event?.metadata.traceparent).toBe(`00-${http.spanContext().traceId}-${command.spanContext().spanId}-01`);
    expect(event?.metadata.correlationId).toBe('corr-obs-1');

    const cancelled = await app.inject({
      method: 'POST',
      url: `/v1/orders/${orderId}/cancel`,
      payload: {},
      headers: { authorization: `Bearer ${customer}`, 'x-request-id': 'corr-obs-2' },
    });
    expect(cancelled.statusCode).toBe(200);
    const cancelSpan = recorder.span('POST /v1/orders/:id/cancel');
    expect(cancelSpan.attributes['orderflow.order_id']).toBe(orderId);
    const completed = lines.find((l) => l.msg === 'request completed' && l.correlationId === 'corr-obs-2');
    expect(completed).toMatchObject({ orderId, trace_id: cancelSpan.spanContext().traceId, span_id: cancelSpan.spanContext().spanId });

    const metrics = (await app.inject({ url: '/metrics' })).body;
    const delta = (line: string) => sample(metrics, line) - sample(metricsBefore, line);
    expect(delta('orderflow_command_duration_seconds_count{command="PlaceOrder",outcome="accepted"}')).toBe(1);
    expect(delta('orderflow_command_duration_seconds_count{command="CancelOrder",outcome="accepted"}')).toBe(1);
    expect(delta('orderflow_http_requests_total{method="POST",route="/v1/orders",status="201"}')).toBe(1);
    expect(delta('orderflow_eventstore_append_duration_seconds_count{category="order",outcome="ok"}')).toBe(2);
  });

  it('is ready while PostgreSQL and the event store answer, and names the event store once it is gone', async () => {
    const ready = await app.inject({ url: '/readyz' });
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready', checks: { postgres: 'ok', eventstore: 'ok' } }]);
    await store.close();
    const gone = await app.inject({ url: '/readyz' });
    expect(gone.statusCode).toBe(503);
    expect(gone.json()).toMatchObject({ code: 'not_ready', failing: ['eventstore'], checks: { postgres: 'ok', eventstore: 'failed' } });
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
