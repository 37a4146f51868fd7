import { metricsRegistry } from '@orderflow/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpPaymentGateway, type HttpPaymentGatewayOptions } from './httpPaymentGateway.js';
import { idempotencyKeyFor, type PaymentGateway } from './paymentGateway.js';
import { startSandboxGateway, type RunningSandboxGateway } from './sandbox/startSandboxGateway.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function circuitGaugeValue(gateway: string): Promise<number | undefined> {
  const metric = metricsRegistry.getSingleMetric('orderflow_gateway_circuit_state');
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => v.labels.gateway === gateway)?.value;
}

describe('HTTP payment gateway client against the sandbox', () => {
  let sandbox: RunningSandboxGateway;
  let clients = 0;
  beforeAll(async () => {
    sandbox = await startSandboxGateway({ port: 0, hangMs: 5_000 });
  });
  afterAll(() => sandbox.close());

  // A generous per-attempt timeout: an attempt cut short on a loaded machine would be retried, and the requests the
  // sandbox saw would no longer be the ones the tests expect. The test of timeouts sets its own.
  const client = (options: Partial<HttpPaymentGatewayOptions> = {}) =>
    createHttpPaymentGateway({
      baseUrl: sandbox.url,
      timeoutMs: 5_000,
      retries: 2,
      backoff: { initialDelayMs: 10, maxDelayMs: 50 },
      name: `test-${++clients}`,
      ...options,
    });
  const authorize = (gateway: PaymentGateway, paymentId: string, token = 'tok_visa', amount = 1_000) =>
    gateway.authorize({
      paymentId,
      amount: eur(amount),
      paymentMethodToken: token,
      idempotencyKey: idempotencyKeyFor(paymentId, 'authorize'),
      traceparent,
    });
  const requestsFor = (paymentId: string) => sandbox.requests({ paymentId });

  it('authorizes, captures and refunds, each once, propagating the traceparent', async () => {
    const gateway = client();
    const auth = await authorize(gateway, 'happy-1');
    expect(auth).toMatchObject({ outcome: 'approved', reference: expect.stringMatching(/^auth_/) as unknown });
    const reference = auth.outcome === 'approved' ? auth.reference : undefined;
    const movement = (op: 'capture' | 'refund', amount: number, requestId?: string) => ({
      paymentId: 'happy-1',
      amount: eur(amount),
      ...(reference === undefined ? {} : { gatewayReference: reference }),
      idempotencyKey: idempotencyKeyFor('happy-1', op, requestId),
      traceparent,
    });
    expect((await gateway.capture(movement('capture', 1_000))).outcome).toBe('approved');
    expect((await gateway.refund(movement('refund', 300, 'r1'))).outcome).toBe('approved');
    expect((await gateway.refund(movement('refund', 200, 'r2'))).outcome).toBe('approved');
    expect(sandbox.ledger.payment('happy-1')?.ledger).toEqual({
      currency: 'EUR',
      authorized: 1_000,
      captured: 1_000,
      refunded: 500,
      voided: 0,
    });
    expect(requestsFor('happy-1').map((r) => r.traceparent)).toEqual([traceparent, traceparent, traceparent, traceparent]);
    expect(requestsFor('happy-1').map((r) => r.idempotencyKey)).toEqual([
      'happy-1:authorize',
      'happy-1:capture',
      'happy-1:refund:r1',
      'happy-1:refund:r2',
    ]);
  });

  it('voids an uncaptured authorization', async () => {
    const gateway = client();
    await authorize(gateway, 'void-1', 'tok_visa', 400);
    const voided = await gateway.void({ paymentId: 'void-1', amount: eur(400), idempotencyKey: idempotencyKeyFor('void-1', 'void') });
    expect(voided.outcome).toBe('approved');
    expect(sandbox.ledger.payment('void-1')?.ledger.voided).toBe(400);
  });

  it('replays a repeated operation: the same reference, the effect applied once', async () => {
    const gateway = client();
    const first = await authorize(gateway, 'replay-1');
    const again = await authorize(client(), 'replay-1');
    expect(again).toEqual(first);
    expect(sandbox.ledger.payment('replay-1')?.effects).toHaveLength(1);
    expect(requestsFor('replay-1').map((r) => r.replayed)).toEqual([false, true]);
  });

  it.each([
    ['tok_declined', 'card_declined'],
    ['tok_insufficient_funds', 'insufficient_funds'],
  ] as const)('returns the decline of %s without retrying it', async (token, reason) => {
    const gateway = client();
    const outcome = await authorize(gateway, `decline-${token}`, token);
    expect(outcome).toMatchObject({ outcome: 'declined', reason });
    expect(requestsFor(`decline-${token}`)).toHaveLength(1);
    expect(gateway.circuitState()).toBe('closed');
  });

  it('does not retry a ledger refusal either: it is a gateway_error decline', async () => {
    const gateway = client();
    await authorize(gateway, 'over-1', 'tok_visa', 100);
    const over = await gateway.capture({ paymentId: 'over-1', amount: eur(101), idempotencyKey: idempotencyKeyFor('over-1', 'capture') });
    expect(over).toMatchObject({
      outcome: 'declined',
      reason: 'gateway_error',
      detail: expect.stringContaining('capture_exceeds_authorized') as unknown,
    });
    expect(requestsFor('over-1').filter((r) => r.operation === 'capture')).toHaveLength(1);
  });

  it('times out each attempt, retries, then reports unavailable; nothing is applied', async () => {
    const gateway = client({ timeoutMs: 150, retries: 2 });
    const started = performance.now();
    const outcome = await authorize(gateway, 'slow-1', 'tok_timeout');
    expect(outcome).toMatchObject({ outcome: 'unavailable', circuitOpen: false, detail: expect.stringContaining('150 ms') as unknown });
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 150);
    // The sandbox holds the request for 5 s: one attempt not cut short would take longer than this.
    expect(performance.now() - started).toBeLessThan(4_500);
    // Each attempt hung up on is abandoned by the sandbox (logged when it notices), which releases the key.
    await expect.poll(() => requestsFor('slow-1').map((r) => r.status), { timeout: 10_000 }).toEqual([503, 503, 503]);
    expect(sandbox.ledger.payment('slow-1')).toBeUndefined();
  });

  it('retries 5xx with backoff, then reports unavailable after 1 + retries attempts', async () => {
    const gateway = client({ retries: 3 });
    const outcome = await authorize(gateway, 'error-1', 'tok_error');
    expect(outcome).toMatchObject({ outcome: 'unavailable', circuitOpen: false });
    expect(requestsFor('error-1').map((r) => r.status)).toEqual([500, 500, 500, 500]);
  });

  it('keeps failing captures of a tok_capture_error payment without losing the authorization', async () => {
    const gateway = client({ retries: 1 });
    expect((await authorize(gateway, 'capfail-1', 'tok_capture_error', 500)).outcome).toBe('approved');
    const capture = await gateway.capture({
      paymentId: 'capfail-1',
      amount: eur(500),
      idempotencyKey: idempotencyKeyFor('capfail-1', 'capture'),
    });
    expect(capture).toMatchObject({ outcome: 'unavailable', circuitOpen: false });
    expect(requestsFor('capfail-1').map((r) => `${r.operation} ${r.status}`)).toEqual(['authorize 200', 'capture 500', 'capture 500']);
    expect(sandbox.ledger.payment('capfail-1')?.ledger).toMatchObject({ authorized: 500, captured: 0, voided: 0 });
    const voided = await gateway.void({ paymentId: 'capfail-1', amount: eur(500), idempotencyKey: idempotencyKeyFor('capfail-1', 'void') });
    expect(voided.outcome).toBe('approved');
  });

  it('succeeds on a retry after a transient 503, applying the effect once', async () => {
    const gateway = client();
    const outcome = await authorize(gateway, 'flaky-1', 'tok_flaky');
    expect(outcome.outcome).toBe('approved');
    expect(requestsFor('flaky-1').map((r) => r.status)).toEqual([503, 200]);
    expect(sandbox.ledger.payment('flaky-1')?.effects).toHaveLength(1);
  });

  it('stops at once when the caller aborts', async () => {
    // The sandbox holds the request for 5 s and the attempt's own timeout is 5 s: only the caller's abort ends it early.
    const gateway = client();
    const started = performance.now();
    const outcome = await gateway.authorize(
      { paymentId: 'abort-1', amount: eur(1), paymentMethodToken: 'tok_timeout', idempotencyKey: 'abort-1:authorize' },
      AbortSignal.timeout(100),
    );
    expect(outcome).toMatchObject({ outcome: 'unavailable', detail: 'aborted by the caller' });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('opens the circuit while the gateway is down, answers at once without calling it, and closes after a half-open probe', async () => {
    const name = 'circuit-test';
    const gateway = client({ name, retries: 1, breaker: { consecutiveFailures: 4, halfOpenAfterMs: 2_000 } });
    expect(await circuitGaugeValue(name)).toBe(0);
    sandbox.setDown(true);
    try {
      // Two calls of two attempts each: four consecutive failures open the circuit.
      expect(await authorize(gateway, 'outage-1')).toMatchObject({ outcome: 'unavailable', circuitOpen: false });
      expect(await authorize(gateway, 'outage-2')).toMatchObject({ outcome: 'unavailable', circuitOpen: true });
      expect(gateway.circuitState()).toBe('open');
      expect(await circuitGaugeValue(name)).toBe(2);

      // Answered without calling the gateway (no request reached it), and without waiting on anything.
      const started = performance.now();
      expect(await authorize(gateway, 'outage-3')).toMatchObject({ outcome: 'unavailable', circuitOpen: true });
      expect(requestsFor('outage-3')).toHaveLength(0);
      expect(performance.now() - started).toBeLessThan(2_000);

      // Still down when the probe goes out: the circuit opens again.
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      expect(await authorize(gateway, 'outage-4')).toMatchObject({ outcome: 'unavailable', circuitOpen: true });
      expect(requestsFor('outage-4')).toHaveLength(1);
      expect(gateway.circuitState()).toBe('open');
    } finally {
      sandbox.setDown(false);
    }
    expect(await authorize(gateway, 'outage-5')).toMatchObject({ outcome: 'unavailable', circuitOpen: true });
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    // The half-open probe succeeds and closes the circuit.
    expect((await authorize(gateway, 'outage-2')).outcome).toBe('approved');
    expect(gateway.circuitState()).toBe('closed');
    expect(await circuitGaugeValue(name)).toBe(0);
    expect(sandbox.ledger.payment('outage-2')?.effects).toHaveLength(1);
  });

  it('counts operations by outcome in metrics', async () => {
    const metrics = await metricsRegistry.getMetricsAsJSON();
    const requests = metrics.find((m) => m.name === 'orderflow_gateway_requests_total');
    const outcomes = new Set(requests?.values.map((v) => v.labels.outcome));
    expect(outcomes).toEqual(new Set(['approved', 'declined', 'unavailable']));
  });
});
