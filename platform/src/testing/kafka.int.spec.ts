import type { EachMessagePayload } from 'kafkajs';
import { expect, it } from 'vitest';
import { describeWith } from './describeWith.js';

describeWith('kafka', 'kafka smoke', (use) => {
  it('creates and lists a topic of this file', async () => {
    const { kafka, topicPrefix } = use();
    const admin = kafka().admin();
    await admin.connect();
    try {
      const topic = `${topicPrefix}listed`;
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })).toBe(true);
      expect(await admin.listTopics()).toContain(topic);
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions).toHaveLength(2);
    } finally {
      await admin.disconnect();
    }
  });

  it('produces idempotently and a consumer group reads every message once, in order per key', async () => {
    const { kafka, topicPrefix } = use();
    const topic = `${topicPrefix}orders`;
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const keys = ['order-a', 'order-b', 'order-c', 'order-d', 'order-e'];
    const perKey = 40;
    const producer = kafka('smoke-producer').producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let batch = 0; batch < perKey; batch += 10) {
      await producer.send({
        topic,
        acks: -1,
        messages: keys.flatMap((key) =>
          Array.from({ length: 10 }, (_, i) => ({
            key,
            value: JSON.stringify({ key, seq: batch + i }),
            headers: { 'event-id': `${key}:${batch + i}` },
          })),
        ),
      });
    }
    await producer.disconnect();

    const seen = new Map<string, number[]>();
    const ids = new Set<string>();
    const consumer = kafka('smoke-consumer').consumer({ groupId: `${topicPrefix}group` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }: EachMessagePayload) => {
        const { key, seq } = JSON.parse(message.value?.toString() ?? '{}') as { key: string; seq: number };
        expect(message.key?.toString()).toBe(key);
        ids.add(message.headers?.['event-id']?.toString() ?? '');
        seen.set(key, [...(seen.get(key) ?? []), seq]);
        return Promise.resolve();
      },
    });
    try {
      await expect.poll(() => ids.size, { timeout: 30_000, interval: 100 }).toBe(keys.length * perKey);
      const expected = Array.from({ length: perKey }, (_, i) => i);
      for (const key of keys) expect(seen.get(key)).toEqual(expected);
    } finally {
      await consumer.disconnect();
    }
  });
});
