import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  createEventStore,
  createKafkaPublisher,
  createLogger,
  runKafkaConsoleConsumer,
  startProcessor,
  type EventEnvelope,
  type EventStore,
} from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendFlow, expectedPerKey, forwardedEvents, perKey, startRecording } from './forwarderTestKit.js';
import { createKafkaForwarder } from './kafkaForwarder.js';
import { replayToKafka } from './replayToKafka.js';

const logger = createLogger('forwarder-replay-test', 'silent');

describeWith('postgres', 'kafka forwarder with the runtime', (usePg) => {
  describeWith('kafka', 'kafka forwarder with the runtime', (useKafka) => {
    let store: EventStore;
    let pool: pg.Pool;
    let dir: string;
    beforeAll(async () => {
      store = await createEventStore({ databaseUrl: usePg().url });
      pool = new pg.Pool({ connectionString: usePg().url, max: 4 });
      dir = await mkdtemp(path.join(tmpdir(), 'orderflow-replay-'));
    });
    afterAll(async () => {
      await store.close();
      await pool.end();
      await rm(dir, { recursive: true, force: true });
    });

    it('forwards as a processor (checkpoint after the ack); a replay into fresh topics, interrupted and resumed, reproduces every key; Kafka’s console consumer reads it', async () => {
      const { brokers, topicPrefix, kafka } = useKafka();
      const prefix = `${topicPrefix}orderflow.`;
      await appendFlow(store, { streams: 10, rounds: 6, tag: 'a' });
      const forwarder = createKafkaForwarder({ brokers, store, logger, naming: { prefix }, topics: { partitions: 3 }, batchSize: 50 });
      const running = startProcessor(forwarder.definition, { store, pool, logger });
      try {
        // The last append's own position: the head as `readAll` sees it may lag while other sessions hold transactions.
        const head = await appendFlow(store, { streams: 10, rounds: 6, tag: 'b' });
        if (head === undefined) throw new Error('no events');
        await running.whenCaughtUp(head, { timeoutMs: 60_000 });
      } finally {
        await running.stop();
        await forwarder.close();
      }
      const expected = await forwardedEvents(store);
      expect(expected).toHaveLength(2 * 10 * 6 * 3);
      const live = await startRecording(kafka(), forwarder.topics, `${topicPrefix}live`);
      await expect.poll(() => live.uniqueIds(), { timeout: 30_000, interval: 200 }).toBe(expected.length);
      await live.stop();
      expect(perKey(live.received).sequences).toEqual(expectedPerKey(expected));

      // Replay: stopped after its first acknowledged batch, then run again from the checkpoint file.
      const checkpointFile = path.join(dir, 'r2.json');
      const publisher = () => createKafkaPublisher({ brokers, logger, naming: { prefix, suffix: '.r2' }, topics: { partitions: 2 } });
      const first = publisher();
      const abort = new AbortController();
      await expect(
        replayToKafka({
          store,
          publisher: first,
          suffix: 'r2',
          checkpointFile,
          from: 'start',
          batchSize: 40,
          signal: abort.signal,
          onProgress: () => {
            abort.abort(new Error('interrupted'));
          },
        }),
      ).rejects.toThrow('interrupted');
      await first.close();
      const second = publisher();
      const resumed = await replayToKafka({ store, publisher: second, suffix: 'r2', checkpointFile, from: 'start', batchSize: 40 });
      await second.close();
      expect(resumed).toMatchObject({ resumed: true, published: expected.length, position: expected.at(-1)?.position });
      expect(second.topics).toEqual([`${prefix}orders.v1.r2`, `${prefix}inventory.v1.r2`, `${prefix}payments.v1.r2`]);

      const replayed = await startRecording(kafka(), second.topics, `${topicPrefix}replayed`);
      await expect.poll(() => replayed.uniqueIds(), { timeout: 30_000, interval: 200 }).toBe(expected.length);
      await replayed.stop();
      const { sequences, repeats } = perKey(replayed.received);
      expect(repeats).toBe(0);
      expect(sequences).toEqual(perKey(live.received).sequences);

      // Not kafkajs: the JVM console consumer of the broker distribution reads the same records.
      const orders = expected.filter((e) => e.streamId.startsWith('order-'));
      const lines = await runKafkaConsoleConsumer({ brokers: brokers.join(','), topic: `${prefix}orders.v1`, maxMessages: orders.length });
      expect(lines).toHaveLength(orders.length);
      const byId = new Map(orders.map((e) => [e.metadata.eventId, e]));
      for (const line of lines) {
        const [key, value = ''] = line.split('\t');
        const envelope = JSON.parse(value) as EventEnvelope;
        expect(envelope.streamId).toBe(key);
        expect(byId.get(envelope.metadata.eventId)?.data).toEqual(envelope.data);
      }
    }, 180_000);
  });
});
