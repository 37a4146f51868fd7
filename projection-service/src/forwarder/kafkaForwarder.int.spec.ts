import { createEventStore, createLogger, metricsRegistry, type EventStore, type RecordedEvent } from '@orderflow/platform';
import { describeWith } from '@orderflow/platform/testing';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendFlow, expectedPerKey, forwardedEvents, perKey, startRecording } from './forwarderTestKit.js';
import { createKafkaForwarder } from './kafkaForwarder.js';

const logger = createLogger('forwarder-test', 'silent');
const ctx = { processor: 'kafka-forwarder', tx: undefined, mode: 'catch-up', signal: new AbortController().signal } as const;

/** Hands the log to the forwarder page by page, as the runtime does. */
async function forwardAll(handle: (events: readonly RecordedEvent[]) => Promise<void>, store: EventStore, pageSize = 250) {
  let from: RecordedEvent['position'] | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ from, maxCount: pageSize, filter: { streamPrefixes: ['order-', 'inventory-', 'payment-'] } });
    const last = page.at(-1);
    if (last === undefined) return;
    await handle(page);
    from = last.position;
  }
}

describeWith('postgres', 'kafka forwarder', (usePg) => {
  describeWith('kafka', 'kafka forwarder', (useKafka) => {
    let store: EventStore;
    beforeAll(async () => {
      store = await createEventStore({ databaseUrl: usePg().url });
    });
    afterAll(async () => {
      await store.close();
    });

    it('forwards order, inventory and payment events (not checkout) keyed by stream, with every header; a group reads each once, in order', async () => {
      const { brokers, topicPrefix, kafka } = useKafka();
      await appendFlow(store, { streams: 8, rounds: 12, tag: 'rt' });
      const forwarder = createKafkaForwarder({
        brokers,
        store,
        logger,
        naming: { prefix: `${topicPrefix}orderflow.` },
        topics: { partitions: 3 },
      });
      try {
        await forwardAll((events) => forwarder.definition.handleBatch(events, ctx), store);
        expect(forwarder.health()).toMatchObject({ status: 'up', backlog: 0 });
        await expect(forwarder.readinessCheck().check()).resolves.toEqual({ status: 'up', backlog: 0 });
      } finally {
        await forwarder.close();
      }
      expect(forwarder.topics).toEqual([
        `${topicPrefix}orderflow.orders.v1`,
        `${topicPrefix}orderflow.inventory.v1`,
        `${topicPrefix}orderflow.payments.v1`,
      ]);

      const expected = await forwardedEvents(store);
      expect(expected).toHaveLength(8 * 12 * 3);
      const recording = await startRecording(kafka(), forwarder.topics, `${topicPrefix}round-trip`);
      try {
        await expect.poll(() => recording.uniqueIds(), { timeout: 30_000, interval: 200 }).toBe(expected.length);
        await new Promise((resolve) => setTimeout(resolve, 500));
        const { sequences, repeats } = perKey(recording.received);
        expect(repeats).toBe(0);
        expect(recording.received).toHaveLength(expected.length);
        expect(sequences).toEqual(expectedPerKey(expected));
        const byId = new Map(expected.map((e) => [e.metadata.eventId, e]));
        for (const { topic, key, eventId, headers, envelope } of recording.received) {
          const stored = byId.get(eventId);
          expect(stored?.streamId).toBe(key);
          expect(topic).toBe(
            `${topicPrefix}orderflow.${key.startsWith('order-') ? 'orders' : key.startsWith('inventory-') ? 'inventory' : 'payments'}.v1`,
          );
          expect(envelope).toEqual({
            type: stored?.type,
            data: stored?.data,
            metadata: stored?.metadata,
            position: stored?.position,
            streamId: stored?.streamId,
            revision: Number(stored?.revision),
          });
          // The names are the consumers' contract (AsyncAPI catalog), hence spelled out here, not taken from eventHeaders.
          expect(headers).toStrictEqual({
            'event-id': stored?.metadata.eventId,
            'event-type': stored?.type,
            'schema-version': '1',
            'correlation-id': stored?.metadata.correlationId,
            traceparent: stored?.metadata.traceparent,
            'content-type': 'application/json',
          });
        }
      } finally {
        await recording.stop();
      }
    });

    it('creates its topics with the configured partitions and infinite retention', async () => {
      const { brokers, topicPrefix, kafka } = useKafka();
      const forwarder = createKafkaForwarder({
        brokers,
        store,
        logger,
        naming: { prefix: `${topicPrefix}cfg.` },
        topics: { partitions: 4 },
      });
      await forwarder.ready();
      await forwarder.close();
      const admin = kafka().admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [...forwarder.topics] });
        expect(topics.map((t) => t.partitions.length)).toEqual([4, 4, 4]);
        const described = await admin.describeConfigs({
          includeSynonyms: false,
          resources: forwarder.topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
        });
        for (const resource of described.resources) expect(resource.configEntries[0]?.configValue).toBe('-1');
      } finally {
        await admin.disconnect();
      }
    });

    it('waits for an unreachable broker (degraded, backlog shown) until cancelled, without failing the batch', async () => {
      const forwarder = createKafkaForwarder({
        brokers: ['127.0.0.1:1'],
        store,
        logger,
        backoff: { initialMs: 50, maxMs: 200 },
        backlog: { intervalMs: 100 },
      });
      const events = (await forwardedEvents(store)).slice(0, 10);
      const abort = new AbortController();
      const handled = forwarder.definition.handleBatch(events, { ...ctx, signal: abort.signal });
      const outcome = handled.then(
        () => 'resolved',
        (err: unknown) => err,
      );
      await expect.poll(() => forwarder.health().status, { timeout: 20_000 }).toBe('degraded');
      await expect.poll(() => forwarder.health().backlog, { timeout: 10_000 }).toBeGreaterThan(10);
      await expect(forwarder.readinessCheck().check()).rejects.toThrow(/Kafka unreachable since .*; backlog \d+/);
      expect(await metricsRegistry.getSingleMetricAsString('orderflow_kafka_backlog_events')).toMatch(/kafka-forwarder"\} [1-9]/);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await Promise.race([outcome, Promise.resolve('pending')])).toBe('pending');
      abort.abort(new Error('stopping'));
      expect(await outcome).toMatchObject({ message: 'stopping' });
      await forwarder.close();
    });
  });
});
