import { EventStoreDBClient, FORWARDS, jsonEvent, NO_STREAM, START } from '@eventstore/db-client';
import { expect, it } from 'vitest';
import { describeWith } from './describeWith.js';

describeWith('eventstoredb', 'eventstoredb smoke', (use) => {
  it('appends to a new stream and reads it back in order', async () => {
    const client = EventStoreDBClient.connectionString`${use().url}`;
    try {
      const stream = `${use().streamPrefix}order-1`;
      const events = [1, 2, 3].map((n) => jsonEvent({ type: 'Smoke', data: { n } }));
      const result = await client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
      expect(result.nextExpectedRevision).toBe(2n);
      const read: number[] = [];
      for await (const e of client.readStream<{ type: 'Smoke'; data: { n: number } }>(stream, {
        direction: FORWARDS,
        fromRevision: START,
      })) {
        if (e.event !== undefined) read.push(e.event.data.n);
      }
      expect(read).toEqual([1, 2, 3]);
    } finally {
      await client.dispose();
    }
  });
});
