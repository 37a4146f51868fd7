import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { migrate } from '../../postgres/migrate.js';
import { describeWith } from '../../testing/describeWith.js';
import { createPostgresEventStore } from './postgresEventStore.js';
import { eventStoreMigrations } from './schema.js';

describeWith('postgres', 'PostgreSQL event store migrations', (use) => {
  it('keeps events written before data and metadata became json, and their retries stay idempotent', async () => {
    const pool = new pg.Pool({ connectionString: use().url, max: 2 });
    const stream = `migrated-${randomUUID()}`;
    const id = randomUUID();
    const data = { lines: [{ sku: 'SKU-1', qty: 2 }], note: 'ünïcødé ✓' };
    const metadata = { eventId: id, schemaVersion: 1, occurredAt: '2026-11-21T10:00:00.000Z' };
    try {
      await migrate(pool, 'eventstore', eventStoreMigrations.slice(0, 2));
      await pool.query("select * from es.append_to_stream($1, 'no_stream', $2::jsonb)", [
        stream,
        JSON.stringify([{ id, type: 'OrderPlaced', data, metadata }]),
      ]);
    } finally {
      await pool.end();
    }

    const store = await createPostgresEventStore({ connectionString: use().url });
    try {
      const [event, ...rest] = await store.readStream(stream);
      expect(rest).toEqual([]);
      expect(event).toMatchObject({ type: 'OrderPlaced', revision: 0n, data, metadata });
      // Written by the jsonb version, retried with keys in another order: still the same event.
      const retried = { type: 'OrderPlaced', data: { note: data.note, lines: data.lines }, metadata };
      const result = await store.appendToStream(stream, [retried], { expectedRevision: 'no_stream' });
      expect(result).toEqual({ nextExpectedRevision: 0n, position: event?.position });
      expect(await store.readStream(stream)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
