import { UnavailableError } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { createEventStore } from './createEventStore.js';

// Nothing listens on port 1: which backend answered shows in the error its client raises.
const postgresUrl = 'postgres://orderflow@127.0.0.1:1/orderflow';

describe('createEventStore chooses the backend from the URL', () => {
  it.each(['esdb://127.0.0.1:1?tls=false', 'kurrentdb://127.0.0.1:1?tls=false'])(
    '%s → EventStoreDB, even with a DATABASE_URL beside it',
    async (eventStoreUrl) => {
      const store = await createEventStore({ eventStoreUrl, databaseUrl: postgresUrl });
      try {
        await expect(store.readStream('order-1')).rejects.toBeInstanceOf(UnavailableError);
      } finally {
        await store.close();
      }
    },
  );

  it('esdb+discover:// → EventStoreDB through cluster discovery', async () => {
    const store = await createEventStore({
      eventStoreUrl: 'esdb+discover://127.0.0.1:1?tls=false&maxDiscoverAttempts=1',
      databaseUrl: postgresUrl,
    });
    try {
      await expect(store.readStream('order-1')).rejects.toThrow(/Failed to discover/);
    } finally {
      await store.close();
    }
  });

  it('takes PostgreSQL from DATABASE_URL when EVENTSTORE_URL is unset (it migrates first, so it fails to connect)', async () => {
    await expect(createEventStore({ databaseUrl: postgresUrl })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(createEventStore({ eventStoreUrl: postgresUrl })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a missing or unknown URL, without printing its password', async () => {
    await expect(createEventStore({})).rejects.toThrow(/no event store configured/);
    await expect(createEventStore({ eventStoreUrl: 'mysql://root:s3cret@db/orders' })).rejects.toThrow(
      /unsupported event store URL scheme in mysql:\/\/\*\*\*@db\/orders/,
    );
  });
});
