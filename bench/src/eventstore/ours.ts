import { settleDatabase } from '../database.js';
import { orderPlacedBatch } from './events.js';
import { createPostgresEventStore, type NewEvent, type Position } from './platform.js';
import type { BenchEventData, BenchSubject, SubjectSettings } from './subject.js';
import { forEachBatch } from './writers.js';

/** Our PostgreSQL event store, through its `EventStore` port. */
export async function createOursSubject(url: string, settings: SubjectSettings): Promise<BenchSubject> {
  const store = await createPostgresEventStore({
    connectionString: url,
    maxConnections: settings.maxConnections,
    subscription: { batchSize: settings.pageSize, pollIntervalMs: 500 },
  });
  return {
    name: 'ours',

    async append(streamId: string, events: readonly NewEvent[], eventsBefore: number) {
      await store.appendToStream(streamId, events, { expectedRevision: eventsBefore === 0 ? 'no_stream' : BigInt(eventsBefore - 1) });
    },

    async seed(events, batchSize) {
      const writers = 4;
      await forEachBatch(Math.ceil(events / batchSize), writers, async (batch) => {
        await store.appendToStream(`seed-${batch}`, orderPlacedBatch(batchSize, batch * batchSize), { expectedRevision: 'no_stream' });
      });
      return { writers, via: 'appendToStream' };
    },

    async streamLength(streamId) {
      return (await store.readStream(streamId)).length;
    },

    async readAll(signal) {
      let from: Position | 'start' = 'start';
      let count = 0;
      while (!signal.aborted) {
        const page = await store.readAll({ from, maxCount: settings.pageSize });
        count += page.length;
        const last = page.at(-1);
        if (last === undefined || page.length < settings.pageSize) break;
        from = last.position;
      }
      return count;
    },

    async catchUp(signal) {
      let count = 0;
      for await (const item of store.subscribeToAll({ from: 'start', signal })) {
        if (item.kind === 'checkpoint') break;
        count += 1;
      }
      return count;
    },

    async live(onEvent) {
      const controller = new AbortController();
      const items = store.subscribeToAll({ from: 'end', signal: controller.signal })[Symbol.asyncIterator]();
      // The first checkpoint says the subscription has caught up: from then on every new event is delivered.
      for (let next = await items.next(); !next.done && next.value.kind !== 'checkpoint'; next = await items.next());
      const running = (async () => {
        for (let next = await items.next(); !next.done; next = await items.next()) {
          if (next.value.kind === 'event') onEvent(next.value.event.data as unknown as BenchEventData);
        }
      })();
      return {
        async stop() {
          controller.abort();
          await running;
        },
      };
    },

    settle: () => settleDatabase(url),

    close: () => store.close(),
  };
}
