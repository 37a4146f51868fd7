import { rm } from 'node:fs/promises';
import { freePort, loadConfig, signToken } from '@orderflow/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { engineDataDir, startEngineProcess, type EngineProcess } from '../testing/engineProcess.js';

const address = { name: 'Grace Hopper', line1: '2 Compiler Row', city: 'Arlington', postalCode: '22201', country: 'US' };

describe('pnpm start: SIGTERM mid-load, then start again', () => {
  let dataDir: string | undefined;
  let engine: EngineProcess | undefined;

  afterAll(async () => {
    await engine?.stop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('brings every accepted order to a terminal state after the restart', async () => {
    dataDir = await engineDataDir('orderflow-restart-');
    const ports = { command: await freePort(), query: await freePort(), gateway: await freePort(), postgres: await freePort() };
    engine = await startEngineProcess({ dataDir, ports, env: { LOG_LEVEL: 'info' } });
    const { auth } = loadConfig({});
    if (auth.secret === undefined) throw new Error('no development secret');
    const secret = auth.secret;

    const accepted: { orderId: string; token: string }[] = [];
    const state = { stopping: false };
    const placeOne = async (i: number) => {
      const token = await signToken({ ...auth, secret }, { sub: `restart-customer-${i}`, role: 'customer' });
      const response = await fetch(`http://127.0.0.1:${ports.command}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `restart-${i}` },
        body: JSON.stringify({
          lines: [{ sku: 'TEE-BLACK-L', quantity: 1 }],
          currency: 'EUR',
          shippingAddress: address,
          paymentMethodToken: 'tok_visa',
        }),
      }).catch(() => undefined);
      if (response?.status === 201) accepted.push({ orderId: ((await response.json()) as { orderId: string }).orderId, token });
      else await response?.body?.cancel();
    };
    // Orders keep coming in while the engine is told to stop; the ones it accepted must all finish after the restart.
    const load = (async () => {
      for (let i = 0; !state.stopping && i < 400; i++) await Promise.all([0, 1, 2, 3].map((k) => placeOne(i * 4 + k)));
    })();
    // At least 3 s of load and a dozen accepted orders, however slowly a loaded machine accepts them.
    const loadUntil = Date.now() + 120_000;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    while (accepted.length < 12 && Date.now() < loadUntil) await new Promise((resolve) => setTimeout(resolve, 100));
    state.stopping = true;
    const code = await engine.stop('SIGTERM');
    await load;
    expect(code, engine.output()).toBe(0);
    expect(accepted.length).toBeGreaterThan(10);

    engine = await startEngineProcess({ dataDir, ports, args: ['--no-seed'] });
    const deadline = Date.now() + 180_000;
    const pending = new Map(accepted.map((order) => [order.orderId, order.token]));
    while (pending.size > 0 && Date.now() < deadline) {
      for (const [orderId, token] of pending) {
        const response = await fetch(`${engine.queryUrl}/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { status?: string };
        if (body.status === 'confirmed' || body.status === 'cancelled') pending.delete(orderId);
      }
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect([...pending.keys()], `orders not terminal after the restart:\n${engine.output()}`).toEqual([]);
  }, 420_000);
});
