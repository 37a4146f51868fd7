import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describeWith } from '../../testing/describeWith.js';
import { collect, eventsOf, newEvent } from '../contract/context.js';
import type { EventStore, NewEvent } from '../types.js';
import { createPostgresEventStore } from './postgresEventStore.js';

/** How long another session's transaction stays open: short, since it holds back every gap-safe reader on the server. */
const heldMs = 150;

describeWith('postgres', 'PostgreSQL event store read-your-writes', (use) => {
  /**
   * Appends one event while an older transaction of another session (one with an id) is open, then ends that
   * transaction after `heldMs`: until then the snapshot's xmin stays below the append, which no gap-safe read may pass.
   */
  async function appendUnderOlderTransaction(store: EventStore, stream: string): Promise<{ event: NewEvent; began: number }> {
    const other = new pg.Client(use().url);
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select pg_current_xact_id()');
      const event = newEvent('Mine');
      await store.appendToStream(stream, [event]);
      setTimeout(() => {
        void other
          .query('commit')
          .catch(() => undefined)
          .finally(() => void other.end());
      }, heldMs);
      return { event, began: Date.now() };
    } catch (err) {
      await other.end();
      throw err;
    }
  }

  it('reads its own appends even while an older transaction of another session runs', async () => {
    const store = await createPostgresEventStore({ connectionString: use().url });
    try {
      const stream = `ryw-read-${randomUUID()}`;
      const { event, began } = await appendUnderOlderTransaction(store, stream);
      const read = await store.readAll({ filter: { streamPrefixes: [stream] } });
      expect(read.map((e) => e.metadata.eventId)).toEqual([event.metadata.eventId]);
      expect(Date.now() - began).toBeGreaterThanOrEqual(heldMs - 20);
    } finally {
      await store.close();
    }
  });

  it('says it has caught up only once its own earlier appends are delivered', async () => {
    const store = await createPostgresEventStore({ connectionString: use().url });
    try {
      const stream = `ryw-subscribe-${randomUUID()}`;
      const { event } = await appendUnderOlderTransaction(store, stream);
      const items = await collect(
        (signal) => store.subscribeToAll({ from: 'start', filter: { streamPrefixes: [stream] }, signal }),
        (got) => got.some((item) => item.kind === 'checkpoint'),
      );
      const caughtUp = items.findIndex((item) => item.kind === 'checkpoint');
      expect(eventsOf(items.slice(0, caughtUp)).map((e) => e.metadata.eventId)).toEqual([event.metadata.eventId]);
    } finally {
      await store.close();
    }
  });
});
