import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../../testing/describeWith.js';
import { newEvent } from '../contract/context.js';
import { StreamDeletedError } from '../errors.js';
import type { EventStore } from '../types.js';
import { createPostgresEventStore } from './postgresEventStore.js';

describeWith('postgres', 'PostgreSQL event store deletes racing', (use) => {
  let stores: EventStore[] = [];
  beforeAll(async () => {
    stores = await Promise.all([1, 2].map(() => createPostgresEventStore({ connectionString: use().url })));
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('never undoes a tombstone: a soft delete racing it on a stream not written yet either loses or comes first', async () => {
    const [a, b] = stores as [EventStore, EventStore];
    for (let round = 0; round < 30; round += 1) {
      const stream = `delete-race-${randomUUID()}`;
      const [tombstone] = await Promise.allSettled([
        a.deleteStream(stream, { mode: 'tombstone' }),
        b.deleteStream(stream, { mode: 'soft' }),
      ]);
      // The tombstone was answered as done: from then on the stream takes no event, whatever the soft delete did.
      if (tombstone.status === 'fulfilled')
        await expect(a.appendToStream(stream, [newEvent('After')])).rejects.toBeInstanceOf(StreamDeletedError);
    }
  });
});
