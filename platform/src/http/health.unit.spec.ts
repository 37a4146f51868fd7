import { afterEach, describe, expect, it } from 'vitest';
import { counter } from '../telemetry/metrics.js';
import { createHttpApp, type HttpApp } from './createHttpApp.js';
import { startOperationalServer } from './operationalServer.js';
import { processorsReadiness, type ReadinessCheck } from './health.js';

const auth = { secret: 'a-development-secret-of-at-least-32-bytes', issuer: 'orderflow-test', audience: 'orderflow-api' };
let app: HttpApp | undefined;

async function build(readiness: readonly ReadinessCheck[] = [], rateLimitPerMinute = 600): Promise<HttpApp> {
  app = await createHttpApp({ title: 't', version: '0', auth, logger: false, readiness, rateLimitPerMinute });
  app.get('/v1/ping/:id', () => ({ pong: true }));
  await app.ready();
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The value of one sample line of the Prometheus text (`name{labels} value`), 0 when absent. */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe('/healthz and /readyz', () => {
  it('/healthz answers 200 while /readyz reports every named check', async () => {
    const a = await build([
      { name: 'postgres', check: () => Promise.resolve() },
      { name: 'migrations', check: () => Promise.resolve(true) },
    ]);
    expect((await a.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await a.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', migrations: 'ok' } });
  });

  it('answers 503 problem+json naming each failing check (thrown, false, too slow) without leaking the error', async () => {
    const a = await build([
      { name: 'postgres', check: () => Promise.resolve() },
      { name: 'eventstore', check: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=x')) },
      { name: 'processors', check: () => Promise.resolve(false) },
      { name: 'kafka', check: () => new Promise((resolve) => setTimeout(resolve, 1_000)), timeoutMs: 50 },
    ]);
    const res = await a.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 503,
      code: 'not_ready',
      failing: ['eventstore', 'processors', 'kafka'],
      checks: { postgres: 'ok', eventstore: 'failed', processors: 'failed', kafka: 'timeout' },
    });
    expect(res.body).not.toMatch(/ECONNREFUSED|password/);
    // /healthz says nothing about dependencies.
    expect((await a.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('takes checks added after the app was built', async () => {
    const a = await build();
    expect((await a.inject({ url: '/readyz' })).statusCode).toBe(200);
    let owned = false;
    a.addReadinessCheck({ name: 'processor:order-history', check: () => Promise.resolve(owned) });
    expect((await a.inject({ url: '/readyz' })).json()).toMatchObject({ failing: ['processor:order-history'] });
    owned = true;
    expect((await a.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('reports the processors of the process unready once one of them has ended', async () => {
    let giveUp: (err: Error) => void = () => undefined;
    const running = { name: 'order-history', finished: new Promise<Error | undefined>((resolve) => (giveUp = resolve)) };
    const other = { name: 'stock', finished: new Promise<Error | undefined>(() => undefined) };
    const a = await build([processorsReadiness([running, other])]);
    expect((await a.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', checks: { processors: 'ok' } });
    giveUp(new Error('poison event'));
    await running.finished;
    expect((await a.inject({ url: '/readyz' })).json()).toMatchObject({ failing: ['processors'] });
  });

  it('keeps /healthz, /readyz and /metrics outside authentication and the rate limit', async () => {
    const a = await build([], 3);
    for (let i = 0; i < 6; i++)
      for (const url of ['/healthz', '/readyz', '/metrics']) expect((await a.inject({ url })).statusCode, url).toBe(200);
    const limited = [];
    for (let i = 0; i < 5; i++) limited.push((await a.inject({ url: '/v1/ping/1' })).statusCode);
    expect(limited).toEqual([200, 200, 200, 429, 429]);
  });
});

describe('/metrics', () => {
  it('serves the shared registry with HTTP RED metrics by route template, and Node runtime metrics', async () => {
    const a = await build();
    counter({ name: 'orderflow_test_things_total', help: 'declared by some component' }).inc(3);
    const before = (await a.inject({ url: '/metrics' })).body;
    const okLine = 'orderflow_http_requests_total{method="GET",route="/v1/ping/:id",status="200"}';
    const missingLine = 'orderflow_http_requests_total{method="GET",route="unmatched",status="404"}';
    await a.inject({ url: '/v1/ping/1' });
    await a.inject({ url: '/v1/ping/2' });
    await a.inject({ url: '/v1/nowhere' });
    const res = await a.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(sample(text, okLine) - sample(before, okLine)).toBe(2);
    expect(sample(text, missingLine) - sample(before, missingLine)).toBe(1);
    const countLine = 'orderflow_http_request_duration_seconds_count{method="GET",route="/v1/ping/:id",status="200"}';
    expect(sample(text, countLine) - sample(before, countLine)).toBe(2);
    expect(sample(text, 'orderflow_test_things_total')).toBe(3);
    // Scrapes and probes are not traffic.
    expect(text).not.toMatch(/route="\/(metrics|healthz|readyz)"/);
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'process_resident_memory_bytes'])
      expect(text).toMatch(new RegExp(`^${name} `, 'm'));
  });
});

describe('the operational server of a process without an API', () => {
  it('listens with /healthz, /readyz and /metrics only', async () => {
    const ops = await startOperationalServer({ title: 'projection service', host: '127.0.0.1', port: 0, auth, logger: false });
    try {
      const { port } = ops.server.address() as { port: number };
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', checks: {} });
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect((await fetch(`${base}/v1/orders`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });
});
