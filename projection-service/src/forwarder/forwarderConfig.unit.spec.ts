import { describe, expect, it } from 'vitest';
import { forwarderOptionsFromEnv } from './forwarderConfig.js';

describe('forwarderOptionsFromEnv', () => {
  it('defaults to orderflow.<category>.v1 topics with 6 partitions kept forever', () => {
    expect(forwarderOptionsFromEnv({})).toEqual({
      naming: { prefix: 'orderflow.', suffix: '' },
      topics: { partitions: 6, replicationFactor: 1, retentionMs: -1 },
      batchSize: 1_000,
    });
  });

  it('reads the overrides', () => {
    expect(
      forwarderOptionsFromEnv({
        KAFKA_TOPIC_PREFIX: 'shop.',
        KAFKA_TOPIC_PARTITIONS: '12',
        KAFKA_TOPIC_REPLICATION: '3',
        KAFKA_TOPIC_RETENTION_MS: '604800000',
      }),
    ).toMatchObject({ naming: { prefix: 'shop.' }, topics: { partitions: 12, replicationFactor: 3, retentionMs: 604_800_000 } });
  });

  it('names every bad variable', () => {
    expect(() => forwarderOptionsFromEnv({ KAFKA_TOPIC_PARTITIONS: '0', KAFKA_TOPIC_PREFIX: 'a b' })).toThrow(
      /KAFKA_TOPIC_PREFIX[\s\S]*KAFKA_TOPIC_PARTITIONS|KAFKA_TOPIC_PARTITIONS[\s\S]*KAFKA_TOPIC_PREFIX/,
    );
  });
});
