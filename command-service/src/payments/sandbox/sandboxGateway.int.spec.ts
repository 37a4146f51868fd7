import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxGateway, type RunningSandboxGateway } from './startSandboxGateway.js';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('sandbox payment gateway over HTTP', () => {
  let gateway: RunningSandboxGateway;
  beforeAll(async () => {
    gateway = await startSandboxGateway({ port: 0, hangMs: 50 });
  });
  afterAll(() => gateway.close());

  let keys = 0;
  const post = async (operation: string, body: unknown, key: string | null = `key-${++keys}`, raw?: string) => {
    const response = await fetch(`${gateway.url}/v1/payments/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key === null ? {} : { 'idempotency-key': key }) },
      body: raw ?? JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      replayed: response.headers.get('idempotent-replayed'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const authorize = (paymentId: string, token = 'tok_visa', amount = 1_000, key?: string) =>
    post('authorize', { paymentId, amount: eur(amount), paymentMethodToken: token }, key);

  it('approves tok_visa and any ordinary token, with a reference and the ledger', async () => {
    const approved = await authorize('visa-1');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', operation: 'authorize', paymentId: 'visa-1', amount: eur(1_000) });
    expect(approved.body.reference).toMatch(/^auth_/);
    expect(approved.body.ledger).toEqual({ currency: 'EUR', authorized: 1_000, captured: 0, refunded: 0, voided: 0 });
    expect((await authorize('plain-1', 'pm_test_visa_4242')).status).toBe(200);
  });

  it.each([
    ['tok_declined', 'card_declined'],
    ['tok_insufficient_funds', 'insufficient_funds'],
    ['tok_expired_card', 'expired_card'],
    ['tok_authentication_required', 'authentication_required'],
    ['tok_fraudulent', 'fraud_suspected'],
  ])('declines %s with a 402 problem naming %s, and applies nothing', async (token, reason) => {
    const declined = await authorize(`declined-${token}`, token);
    expect(declined.status).toBe(402);
    expect(declined.type).toContain('application/problem+json');
    expect(declined.body).toMatchObject({ status: 402, code: reason, declineReason: reason });
    expect(gateway.ledger.payment(`declined-${token}`)).toBeUndefined();
  });

  it('a declined payment can be authorized again with another card', async () => {
    expect((await authorize('retry-card', 'tok_insufficient_funds')).status).toBe(402);
    expect((await authorize('retry-card', 'tok_visa')).status).toBe(200);
  });

  it('fails tok_error with a 500 every time, storing nothing under the key', async () => {
    const first = await authorize('error-1', 'tok_error', 1_000, 'error-key');
    const second = await authorize('error-1', 'tok_error', 1_000, 'error-key');
    expect([first.status, second.status]).toEqual([500, 500]);
    expect(second.replayed).toBeNull();
    expect(gateway.requests({ idempotencyKey: 'error-key' })).toHaveLength(2);
    expect(gateway.ledger.payment('error-1')).toBeUndefined();
  });

  it('holds tok_timeout for hangMs, then answers 504 without applying anything', async () => {
    const started = performance.now();
    const timedOut = await authorize('timeout-1', 'tok_timeout');
    expect(timedOut.status).toBe(504);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(gateway.ledger.payment('timeout-1')).toBeUndefined();
  });

  it('replays the first result for the same key and body, applying the effect once', async () => {
    const first = await authorize('idem-1', 'tok_visa', 700, 'idem-key');
    const again = await authorize('idem-1', 'tok_visa', 700, 'idem-key');
    expect(again).toEqual({ ...first, replayed: 'true' });
    expect(first.replayed).toBeNull();
    const capture = { paymentId: 'idem-1', amount: eur(700) };
    const captured = await post('capture', capture, 'idem-capture');
    expect(await post('capture', capture, 'idem-capture')).toEqual({ ...captured, replayed: 'true' });
    expect(gateway.ledger.payment('idem-1')?.effects.map((e) => e.operation)).toEqual(['authorize', 'capture']);
    expect(gateway.ledger.payment('idem-1')?.ledger.captured).toBe(700);
  });

  it('replays a decline with its status too', async () => {
    const first = await authorize('idem-declined', 'tok_declined', 500, 'idem-declined-key');
    const again = await authorize('idem-declined', 'tok_declined', 500, 'idem-declined-key');
    expect(first.status).toBe(402);
    expect(again).toEqual({ ...first, replayed: 'true' });
  });

  it('refuses the same key with a different body with 422, and a different operation too', async () => {
    expect((await authorize('reuse-1', 'tok_visa', 100, 'reuse-key')).status).toBe(200);
    const reused = await authorize('reuse-1', 'tok_visa', 200, 'reuse-key');
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency_key_reused');
    expect((await post('capture', { paymentId: 'reuse-1', amount: eur(100) }, 'reuse-key')).status).toBe(422);
    expect(gateway.ledger.payment('reuse-1')?.ledger).toMatchObject({ authorized: 100, captured: 0 });
  });

  it('keeps the ledger consistent: capture ≤ authorized, refund ≤ captured, void only uncaptured', async () => {
    expect((await authorize('ledger-1', 'tok_visa', 1_000)).status).toBe(200);
    const over = await post('capture', { paymentId: 'ledger-1', amount: eur(1_001) });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'capture_exceeds_authorized', capturable: 1_000 });
    expect((await post('capture', { paymentId: 'ledger-1', amount: eur(600) })).status).toBe(200);
    expect((await post('capture', { paymentId: 'ledger-1', amount: eur(401) })).body.code).toBe('capture_exceeds_authorized');
    expect((await post('capture', { paymentId: 'ledger-1', amount: eur(400) })).status).toBe(200);
    expect((await post('void', { paymentId: 'ledger-1', amount: eur(1_000) })).body.code).toBe('already_captured');
    expect((await post('refund', { paymentId: 'ledger-1', amount: eur(1_001) })).body).toMatchObject({
      code: 'refund_exceeds_captured',
      refundable: 1_000,
    });
    expect((await post('refund', { paymentId: 'ledger-1', amount: eur(250) })).status).toBe(200);
    expect((await post('refund', { paymentId: 'ledger-1', amount: { amount: 10, currency: 'USD' } })).body.code).toBe('currency_mismatch');
    expect(gateway.ledger.payment('ledger-1')?.ledger).toEqual({
      currency: 'EUR',
      authorized: 1_000,
      captured: 1_000,
      refunded: 250,
      voided: 0,
    });

    expect((await authorize('ledger-2', 'tok_visa', 300)).status).toBe(200);
    expect((await post('void', { paymentId: 'ledger-2', amount: eur(200) })).body.code).toBe('amount_mismatch');
    expect((await post('void', { paymentId: 'ledger-2', amount: eur(300) })).status).toBe(200);
    expect((await post('void', { paymentId: 'ledger-2', amount: eur(300) })).body.code).toBe('already_voided');
    expect((await post('capture', { paymentId: 'ledger-2', amount: eur(1) })).body.code).toBe('authorization_voided');
    expect((await authorize('ledger-2', 'tok_visa', 300)).body.code).toBe('already_authorized');

    const unknown = await post('capture', { paymentId: 'never-authorized', amount: eur(1) });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('payment_not_found');
  });

  it('checks the authorization reference when one is given', async () => {
    const auth = await authorize('ref-1', 'tok_visa', 100);
    expect((await post('capture', { paymentId: 'ref-1', amount: eur(100), reference: 'auth_other' })).body.code).toBe('reference_mismatch');
    expect((await post('capture', { paymentId: 'ref-1', amount: eur(100), reference: auth.body.reference })).status).toBe(200);
  });

  it('answers bad input with a 400 problem naming the fields, and applies nothing', async () => {
    const bad = await post('authorize', { paymentId: '', amount: { amount: -5, currency: 'euro' }, paymentMethodToken: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('application/problem+json');
    const paths = (bad.body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.paymentId', 'body.amount.amount', 'body.amount.currency', 'body.paymentMethodToken']),
    );
    const noKey = await post('authorize', { paymentId: 'nokey', amount: eur(1), paymentMethodToken: 'tok_visa' }, null);
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body.errors)).toContain('idempotency-key');
    const notJson = await post('capture', undefined, 'bad-json', '{"paymentId":');
    expect(notJson.status).toBe(400);
    expect(notJson.type).toContain('application/problem+json');
    expect((await post('refund', { paymentId: 'x1', amount: eur(1), extra: true })).status).toBe(400);
    expect(gateway.ledger.payment('nokey')).toBeUndefined();
  });

  it('answers 503 to every payment request while down, and recovers', async () => {
    const toggle = async (down: boolean) =>
      fetch(`${gateway.url}/v1/admin/availability`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ down }),
      });
    expect((await toggle(true)).status).toBe(200);
    const refused = await authorize('down-1', 'tok_visa', 100, 'down-key');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('gateway_down');
    expect((await toggle(false)).status).toBe(200);
    expect((await authorize('down-1', 'tok_visa', 100, 'down-key')).status).toBe(200);
  });

  it('lists the effects and requests of a payment at /v1/operations', async () => {
    await authorize('ops-1', 'tok_visa', 100, 'ops-auth');
    await authorize('ops-1', 'tok_visa', 100, 'ops-auth');
    const response = await fetch(`${gateway.url}/v1/operations?paymentId=ops-1`);
    const listed = (await response.json()) as { effects: { operation: string }[]; requests: { replayed: boolean }[] };
    expect(listed.effects.map((e) => e.operation)).toEqual(['authorize']);
    expect(listed.requests.map((r) => r.replayed)).toEqual([false, true]);
  });
});

describe('sandbox failure injection', () => {
  const statuses = async (seed: number) => {
    const gateway = await startSandboxGateway({ port: 0, failureRate: 0.5, seed });
    try {
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${gateway.url}/v1/payments/authorize`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `k-${i}` },
          body: JSON.stringify({ paymentId: `p-${i}`, amount: eur(1), paymentMethodToken: 'tok_visa' }),
        });
        seen.push(response.status);
      }
      return { seen, applied: gateway.ledger.effects().length };
    } finally {
      await gateway.close();
    }
  };

  it('fails about the configured share of requests, reproducibly for a seed, applying only the others', async () => {
    const first = await statuses(42);
    expect(await statuses(42)).toEqual(first);
    const failed = first.seen.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(3);
    expect(failed).toBeLessThan(17);
    expect(first.applied).toBe(20 - failed);
  });

  it('adds the configured latency', async () => {
    const gateway = await startSandboxGateway({ port: 0, latencyMs: 80 });
    try {
      const started = performance.now();
      await fetch(`${gateway.url}/v1/payments/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'slow' },
        body: JSON.stringify({ paymentId: 'slow', amount: eur(1), paymentMethodToken: 'tok_visa' }),
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    } finally {
      await gateway.close();
    }
  });
});
