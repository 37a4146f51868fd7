import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeWith } from '../../testing/describeWith.js';
import type { EventStore } from '../types.js';
import { createPostgresEventStore } from './postgresEventStore.js';

const wakeTested = () => ({
  type: 'WakeTested',
  data: { n: 1 },
  metadata: { eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() },
});

/** How long the reader idles before the append: its poll back-off (5 ms doubling, capped) is then at 5.12 s waits. */
const idleMs = 6_000;

describeWith('postgres', 'PostgreSQL event store wake-ups', (use) => {
  // An idle subscriber's reads back off: 5, 10, 20 … 2,560 ms (5.1 s in all), then 5,120 ms at a time (the poll
  // interval, set to a minute here, caps nothing). Six seconds in, a subscriber that relied on polling would see the
  // append about four seconds late; LISTEN/NOTIFY wakes it at once. The writer is another store instance, as another
  // process would be: the notification has to cross the server.
  it('an append wakes an idle live subscriber of another store instance at once, not at its next poll', async () => {
    const writer = await createPostgresEventStore({ connectionString: use().url });
    const reader: EventStore = await createPostgresEventStore({
      connectionString: use().url,
      subscription: { pollIntervalMs: 60_000 },
    });
    const stop = new AbortController();
    try {
      // The subscription is consumed all along, as a live processor would: a paused consumer would hold it at a yield.
      let caughtUp!: () => void;
      const live = new Promise<void>((resolve) => (caughtUp = resolve));
      const seen = (async () => {
        for await (const item of reader.subscribeToAll({ from: 'end', signal: stop.signal })) {
          if (item.kind === 'checkpoint') caughtUp();
          else if (item.event.streamId === 'wake-1') return Date.now();
        }
        throw new Error('subscription ended');
      })();
      await live;
      await new Promise((resolve) => setTimeout(resolve, idleMs));

      const startedAt = Date.now();
      await writer.appendToStream('wake-1', [wakeTested()], { expectedRevision: 'no_stream' });
      const latencyMs = (await seen) - startedAt;

      expect(latencyMs).toBeLessThan(2_000);
    } finally {
      stop.abort();
      await reader.close();
      await writer.close();
    }
  }, 30_000);
});
