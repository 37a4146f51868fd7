import { randomUUID } from 'node:crypto';
import { dumbo, endAllPools } from '@event-driven-io/dumbo';
import {
  getPostgreSQLEventStore,
  postgreSQLEventStoreMessageBatchPuller,
  readMessagesBatch,
  type PostgreSQLEventStoreMessageBatchPullerStartFrom,
} from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { settleDatabase } from '../database.js';
import { orderPlaced } from './events.js';
import type { NewEvent } from './platform.js';
import type { BenchEventData, BenchSubject, SubjectSettings } from './subject.js';

/**
 * No sleep between full pages, like ours (Emmett's default is 50 ms). Between short pages Emmett's puller backs off
 * from 100 ms up to 1 s whatever this says; it has no LISTEN/NOTIFY.
 */
const pullingFrequencyInMs = 1;

/**
 * Emmett's PostgreSQL event store (the peer), with the same pool size as ours: its own default pool has 10
 * connections. The global log is read with its message-batch puller, the engine under its consumers, without the
 * per-message checkpoint writes a reactor adds (ours does not checkpoint either).
 */
export async function createEmmettSubject(url: string, settings: SubjectSettings): Promise<BenchSubject> {
  const nativePool = new pg.Pool({ connectionString: url, max: settings.maxConnections });
  const pool = dumbo({ connectionString: url, pool: nativePool });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { dumbo: pool } });
  await store.schema.migrate();

  const pull = async (
    startFrom: PostgreSQLEventStoreMessageBatchPullerStartFrom,
    signal: AbortSignal,
    onBatch: (data: BenchEventData[]) => void,
    untilCaughtUp: boolean,
  ) => {
    const puller = postgreSQLEventStoreMessageBatchPuller({
      executor: pool.execute,
      batchSize: settings.pageSize,
      pullingFrequencyInMs,
      signal,
      ...(untilCaughtUp && { stopWhen: { noMessagesLeft: true } }),
      eachBatch: (messages) => {
        onBatch(messages.map((message) => message.data as BenchEventData));
      },
    });
    await puller.start({ startFrom, signal });
  };

  return {
    name: 'emmett',

    async append(streamId: string, events: readonly NewEvent[], eventsBefore: number) {
      await store.appendToStream(streamId, events.map(toEmmettEvent), { expectedStreamVersion: BigInt(eventsBefore) });
    },

    async seed(events, batchSize) {
      // Emmett's client writes each append as one SQL text with every value escaped inline, ~8,000 events/s here:
      // 1M events would take two minutes. Its own append function, called in SQL with the same events, writes the
      // same rows in a fraction of that. One writer only: Emmett reads the log in (transaction id, global position)
      // order but resumes after the last global position it saw, so concurrent appends, whose positions interleave,
      // make its reader skip events (measured: 49,900 of 50,000 read back after 4 writers of 100-event batches).
      const template = orderPlaced(0);
      const metadata = Object.fromEntries(Object.entries(template.metadata).filter(([key]) => key !== 'eventId'));
      for (let first = 0; first < events; first += batchSize) {
        await nativePool.query(seedSql, [`seed-${first / batchSize}`, first, Math.min(batchSize, events - first), template.data, metadata]);
      }
      return { writers: 1, via: 'emt_append_to_stream in SQL' };
    },

    async streamLength(streamId) {
      return (await store.readStream(streamId)).events.length;
    },

    async readAll(signal) {
      let after = 0n;
      let count = 0;
      while (!signal.aborted) {
        const page = await readMessagesBatch(pool.execute, { after, batchSize: settings.pageSize });
        count += page.messages.length;
        if (!page.areMessagesLeft) break;
        after = page.currentGlobalPosition;
      }
      return count;
    },

    async catchUp(signal) {
      let count = 0;
      await pull('BEGINNING', signal, (batch) => (count += batch.length), true);
      return count;
    },

    async live(onEvent) {
      // The puller's 'END' start reads the *first* position of the log (readLastMessageGlobalPosition orders
      // ascending), so the live subscriber starts after a marker event appended now instead.
      const marker = await store.appendToStream(`bench-live-${randomUUID()}`, [toEmmettEvent(orderPlaced(-1))], {
        expectedStreamVersion: 0n,
      });
      const controller = new AbortController();
      const running = pull(
        { lastCheckpoint: marker.lastEventGlobalPosition },
        controller.signal,
        (batch) => {
          batch.forEach(onEvent);
        },
        false,
      );
      return {
        async stop() {
          controller.abort();
          await running;
        },
      };
    },

    settle: () => settleDatabase(url),

    async close() {
      await store.close();
      await pool.close();
      await nativePool.end();
      await endAllPools();
    },
  };
}

/** $1 stream, $2 first seq, $3 count, $4 data and $5 metadata of one event: seq, order and message ids vary. */
const seedSql = `
with m as (
  select g, gen_random_uuid() as id, gen_random_uuid() as order_id from generate_series($2::int, $2::int + $3::int - 1) g
), a as (
  select array_agg(id::text order by g) as ids,
         array_agg($4::jsonb || jsonb_build_object('seq', g, 'orderId', order_id) order by g) as data,
         array_agg($5::jsonb || jsonb_build_object('correlationId', order_id, 'causationId', order_id) order by g) as metadata
    from m
)
select r.success from a, emt_append_to_stream(a.ids, a.data, a.metadata, array_fill('1'::text, array[$3::int]),
  array_fill('OrderPlaced'::text, array[$3::int]), array_fill('E'::text, array[$3::int]), $1::text, 'seed', 0, 'emt:default') r`;

function toEmmettEvent(event: NewEvent) {
  const { eventId, ...metadata } = event.metadata;
  return { type: event.type, data: event.data, metadata: { messageId: eventId, ...metadata } };
}
