import { randomUUID } from 'node:crypto';
import { createHttpApp, HttpProblem, migrate, signToken, type HttpApp } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { createIdempotencyStore, idempotencyMigrations } from './idempotencyStore.js';
import { replyIdempotently } from './replyIdempotently.js';

const auth = { secret: 'a-development-secret-of-at-least-32-bytes', issuer: 'orderflow-test', audience: 'orderflow-api' };

describeWith('postgres', 'Idempotency-Key over HTTP', (use) => {
  let pool: pg.Pool;
  let app: HttpApp;
  let executions = 0;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: use().url, max: 30 });
    await migrate(pool, 'command-service', idempotencyMigrations);
    const store = createIdempotencyStore(pool);
    app = await createHttpApp({ title: 't', version: '0', auth, logger: false });
    app.post('/v1/things', { schema: { body: z.strictObject({ n: z.number().int() }) } }, async (request, reply) => {
      const principal = await app.authenticate(request);
      return replyIdempotently(request, reply, { store, caller: principal.sub, required: true, mappers: [] }, async (commandId) => {
        executions += 1;
        await new Promise((r) => setTimeout(r, 50));
        if (request.body.n < 0) throw new HttpProblem(409, 'out_of_stock', 'Out of stock', 'none left', { sku: 'S-1', available: 0 });
        return { status: 201, body: { id: randomUUID(), n: request.body.n, commandId }, headers: { etag: '"0"' } };
      });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await pool.end();
  });
  const post = async (n: number, key?: string, sub = 'c-1') =>
    app.inject({
      method: 'POST',
      url: '/v1/things',
      payload: { n },
      headers: {
        authorization: `Bearer ${await signToken(auth, { sub, role: 'customer' })}`,
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
    });

  it('replays the first response byte for byte, and refuses the key with a different body (422)', async () => {
    const first = await post(1, 'key-a');
    const again = await post(1, 'key-a');
    expect(first.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect([again.statusCode, again.headers.etag, again.headers['idempotent-replayed']]).toEqual([201, '"0"', 'true']);
    const other = await post(2, 'key-a');
    expect([other.statusCode, other.json<{ code: string }>().code]).toEqual([422, 'idempotency_key_reused']);
    expect((await post(1, 'key-a', 'c-2')).body).not.toBe(first.body);
  });

  it('requires the key where the route says so, and replays stored client errors too', async () => {
    const missing = await post(1);
    expect([missing.statusCode, missing.json<{ code: string }>().code]).toEqual([400, 'idempotency_key_required']);
    const before = executions;
    const refused = await post(-1, 'key-b');
    const replayed = await post(-1, 'key-b');
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(replayed.body).toBe(refused.body);
    expect(refused.json()).toMatchObject({ code: 'out_of_stock', sku: 'S-1', available: 0 });
    expect(executions - before).toBe(1);
  });

  it('executes concurrent duplicates exactly once', async () => {
    const before = executions;
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(7, 'key-c')));
    expect(executions - before).toBe(1);
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
  });
});
