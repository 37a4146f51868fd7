import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { NaturalBatcher, prepared, textArray, type Migration } from '@orderflow/platform';

/** A response as first sent, replayed byte for byte on a retry. */
export interface StoredResponse {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type Claim =
  | { readonly kind: 'execute' }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in_progress' };

export const idempotencyMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'idempotency keys',
    sql: `
create schema if not exists cmd;
create table cmd.idempotency_keys (
  caller text not null,
  key text not null,
  request_hash text not null,
  response jsonb,                      -- null while the first request runs
  created_at timestamptz not null default now(),
  primary key (caller, key)
);
create index idempotency_keys_created_at on cmd.idempotency_keys (created_at);`,
  },
];

/** Hash of what makes two requests "the same": method, route, body. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/**
 * Idempotency keys with Stripe's semantics, per caller: the first request with a key runs; a retry with the same
 * body gets the stored first response; a different body under the same key is a mismatch; a retry that arrives
 * while the first still runs waits for its response, so concurrent duplicates execute exactly once.
 */
export function createIdempotencyStore(pool: pg.Pool, { retentionHours = 48, waitMs = 10_000 } = {}) {
  const keyOf = (entry: { readonly caller: string; readonly key: string }) => `${entry.caller}\n${entry.key}`;
  // Claims and completions of concurrent requests share a statement and a commit (natural batching).
  const claims = new NaturalBatcher<{ caller: string; key: string; hash: string }, boolean>(async (entries) => {
    const { rows } = await pool.query<{ caller: string; key: string }>({
      ...prepared(`insert into cmd.idempotency_keys (caller, key, request_hash)
       select * from unnest($1::text[], $2::text[], $3::text[]) on conflict do nothing returning caller, key`),
      values: [textArray(entries.map((e) => e.caller)), textArray(entries.map((e) => e.key)), textArray(entries.map((e) => e.hash))],
    });
    const inserted = new Set(rows.map(keyOf));
    return entries.map((e) => inserted.has(keyOf(e)));
  }, keyOf);
  const completions = new NaturalBatcher<{ caller: string; key: string; response: StoredResponse }>(async (entries) => {
    await pool.query({
      ...prepared(`update cmd.idempotency_keys k set response = u.response
       from jsonb_to_recordset($1::jsonb) as u(caller text, key text, response jsonb)
       where k.caller = u.caller and k.key = u.key`),
      // One JSON array: responses inside an array of text would each be escaped again as elements.
      values: [JSON.stringify(entries.map(({ caller, key, response }) => ({ caller, key, response })))],
    });
  }, keyOf);

  async function claim(caller: string, key: string, hash: string): Promise<Claim> {
    if (await claims.add({ caller, key, hash })) return { kind: 'execute' };
    const deadline = Date.now() + waitMs;
    for (;;) {
      const { rows } = await pool.query<{ request_hash: string; response: StoredResponse | null }>(
        'select request_hash, response from cmd.idempotency_keys where caller = $1 and key = $2',
        [caller, key],
      );
      const row = rows[0];
      // Released by a failed first attempt: this one may run.
      if (row === undefined) return claim(caller, key, hash);
      if (row.request_hash !== hash) return { kind: 'mismatch' };
      if (row.response !== null) return { kind: 'replay', response: row.response };
      if (Date.now() > deadline) return { kind: 'in_progress' };
      await sleep(25);
    }
  }

  async function complete(caller: string, key: string, response: StoredResponse): Promise<void> {
    await completions.add({ caller, key, response });
  }

  /** A first attempt that failed on our side (5xx) frees its key, so the client's retry runs again. */
  async function release(caller: string, key: string): Promise<void> {
    await pool.query('delete from cmd.idempotency_keys where caller = $1 and key = $2 and response is null', [caller, key]);
  }

  /** Keys are kept at least 24 h (Stripe's promise); older ones are purged. */
  async function purge(): Promise<number> {
    const { rowCount } = await pool.query(`delete from cmd.idempotency_keys where created_at < now() - make_interval(hours => $1)`, [
      Math.max(24, retentionHours),
    ]);
    return rowCount ?? 0;
  }

  return { claim, complete, release, purge };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
