import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { requireRole, signToken, type AuthConfig } from './auth.js';
import { createHttpApp, type HttpApp } from './createHttpApp.js';

const auth = {
  secret: 'a-development-secret-of-at-least-32-bytes',
  issuer: 'orderflow-test',
  audience: 'orderflow-api',
} satisfies AuthConfig;

async function build(): Promise<HttpApp> {
  const app = await createHttpApp({ title: 'test', version: '0.0.0', auth, logger: false, bodyLimitBytes: 1024 });
  app.post(
    '/v1/things',
    {
      schema: {
        body: z.strictObject({ name: z.string().min(1).max(20), quantity: z.number().int().positive() }),
        response: { 201: z.object({ id: z.string(), by: z.string() }) },
      },
    },
    async (request, reply) => {
      const principal = await app.authenticate(request);
      requireRole(principal, 'admin');
      return reply.status(201).send({ id: request.body.name, by: principal.sub });
    },
  );
  app.get('/v1/boom', () => {
    throw new Error('secret internals: password=hunter2');
  });
  await app.ready();
  return app;
}

describe('the shared HTTP skeleton', () => {
  let app: HttpApp;
  beforeAll(async () => {
    app = await build();
  });
  afterAll(async () => {
    await app.close();
  });
  const admin = () => signToken(auth, { sub: 'a-1', role: 'admin' });
  const post = async (payload: unknown, token?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/things',
      payload: payload as Record<string, unknown>,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it('accepts a valid request from an admin', async () => {
    const res = await post({ name: 'widget', quantity: 2 }, await admin());
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: 'widget', by: 'a-1' });
  });

  it('names every invalid field in a problem+json 400', async () => {
    const res = await post({ name: '', quantity: -1, extra: true }, await admin());
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json<{ code: string; errors: { path: string }[] }>();
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((e) => e.path).sort()).toEqual(expect.arrayContaining(['body.name', 'body.quantity']));
  });

  it('refuses malformed JSON and oversized bodies as problems', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/things',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    const big = await post({ name: 'x'.repeat(2_000), quantity: 1 }, await admin());
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers 401 for a missing, forged, expired, none-alg or wrong-audience token, and 403 for a wrong role', async () => {
    const body = { name: 'w', quantity: 1 };
    expect((await post(body)).statusCode).toBe(401);
    expect((await post(body, `${(await admin()).slice(0, -2)}xx`)).statusCode).toBe(401);
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a-1')
      .setIssuer(auth.issuer)
      .setAudience(auth.audience)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(auth.secret));
    expect((await post(body, expired)).statusCode).toBe(401);
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ sub: 'a-1', role: 'admin', iss: auth.issuer, aud: auth.audience })).toString('base64url');
    expect((await post(body, `${header}.${claims}.x`)).statusCode).toBe(401);
    const otherAudience = await signToken({ ...auth, audience: 'elsewhere' }, { sub: 'a-1', role: 'admin' });
    expect((await post(body, otherAudience)).statusCode).toBe(401);
    const customer = await signToken(auth, { sub: 'c-1', role: 'customer' });
    const forbidden = await post(body, customer);
    expect([forbidden.statusCode, forbidden.json<{ code: string }>().code]).toEqual([403, 'forbidden']);
  });

  it('hides internals behind a 500 problem and answers unknown routes with a 404 problem', async () => {
    const boom = await app.inject({ method: 'GET', url: '/v1/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toMatch(/hunter2|secret internals/);
    expect(boom.json<{ code: string }>().code).toBe('internal_error');
    const missing = await app.inject({ method: 'GET', url: '/v1/nothing' });
    expect([missing.statusCode, missing.json<{ code: string }>().code]).toEqual([404, 'not_found']);
  });

  it('serves OpenAPI 3.1 generated from the route schemas, and security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/things');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it("sets helmet's default security headers on every reply, errors included", async () => {
    for (const res of [await app.inject({ method: 'GET', url: '/v1/boom' }), await post({ name: 'x', quantity: 1 }, await admin())]) {
      expect(res.headers).toMatchObject({
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-frame-options': 'SAMEORIGIN',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(res.headers['content-security-policy']).toBeUndefined();
    }
  });

  it('answers cross-origin requests only from configured origins', async () => {
    const request = { method: 'GET' as const, url: '/docs/json', headers: { origin: 'https://shop.example' } };
    expect((await app.inject(request)).headers['access-control-allow-origin']).toBeUndefined();
    const open = await createHttpApp({ title: 't', version: '0', auth, logger: false, corsOrigins: ['https://shop.example'] });
    try {
      expect((await open.inject(request)).headers['access-control-allow-origin']).toBe('https://shop.example');
      const other = await open.inject({ ...request, headers: { origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});
