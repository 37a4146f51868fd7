import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describeWith } from '../../testing/describeWith.js';
import { createPostgresEventStore } from './postgresEventStore.js';

describeWith('postgres', 'PostgreSQL event store close', (use) => {
  it('leaves no connection behind when closed right after an append (its NOTIFY must not reconnect)', async () => {
    const store = await createPostgresEventStore({ connectionString: use().url });
    await store.appendToStream(`close-${randomUUID()}`, [
      { type: 'Closed', data: {}, metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() } },
    ]);
    await store.close();
    await new Promise((r) => setTimeout(r, 300));
    const probe = new pg.Client(use().url);
    await probe.connect();
    try {
      const { rows } = await probe.query<{ n: string }>(
        'select count(*)::text as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      expect(rows[0]?.n).toBe('0');
    } finally {
      await probe.end();
    }
  });
});
