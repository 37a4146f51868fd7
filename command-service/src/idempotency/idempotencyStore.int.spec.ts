import { migrate } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createIdempotencyStore,
  idempotencyMigrations,
  requestHash,
  type IdempotencyStore,
  type StoredResponse,
} from './idempotencyStore.js';

const response: StoredResponse = { status: 201, contentType: 'application/json', headers: { etag: '"0"' }, body: '{"id":"o-1"}' };

describeWith('postgres', 'idempotency keys', (use) => {
  let pool: pg.Pool;
  let store: IdempotencyStore;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: use().url, max: 30 });
    await migrate(pool, 'command-service', idempotencyMigrations);
    store = createIdempotencyStore(pool, { waitMs: 5_000 });
  });
  afterAll(async () => {
    await pool.end();
  });

  it('runs the first request, then replays its response for the same body and refuses a different one', async () => {
    const hash = requestHash('POST', '/v1/orders', { a: 1 });
    expect(await store.claim('c-1', 'k-1', hash)).toEqual({ kind: 'execute' });
    await store.complete('c-1', 'k-1', response);
    expect(await store.claim('c-1', 'k-1', hash)).toEqual({ kind: 'replay', response });
    expect(await store.claim('c-1', 'k-1', requestHash('POST', '/v1/orders', { a: 2 }))).toEqual({ kind: 'mismatch' });
    expect(await store.claim('c-2', 'k-1', hash)).toEqual({ kind: 'execute' });
  });

  it('executes exactly once among concurrent duplicates; the others get the first response', async () => {
    const hash = requestHash('POST', '/v1/orders', { b: 1 });
    let executions = 0;
    const attempt = async () => {
      const claim = await store.claim('c-1', 'k-race', hash);
      if (claim.kind !== 'execute') return claim;
      executions += 1;
      await new Promise((r) => setTimeout(r, 200));
      await store.complete('c-1', 'k-race', response);
      return { kind: 'executed' as const };
    };
    const results = await Promise.all(Array.from({ length: 20 }, attempt));
    expect(executions).toBe(1);
    expect(results.filter((r) => r.kind === 'replay')).toHaveLength(19);
  });

  it('frees the key of a first attempt that failed, and purges keys only after their retention', async () => {
    const hash = requestHash('POST', '/v1/orders', { c: 1 });
    expect((await store.claim('c-1', 'k-fail', hash)).kind).toBe('execute');
    await store.release('c-1', 'k-fail');
    expect((await store.claim('c-1', 'k-fail', hash)).kind).toBe('execute');
    await store.complete('c-1', 'k-fail', response);
    await pool.query("update cmd.idempotency_keys set created_at = now() - interval '49 hours' where key = 'k-fail'");
    expect(await store.purge()).toBe(1);
    expect((await store.claim('c-1', 'k-1', requestHash('POST', '/v1/orders', { a: 1 }))).kind).toBe('replay');
  });
});
