import { parseEnv } from '@orderflow/platform';
import { z } from 'zod';
import type { KafkaForwarderOptions } from './kafkaForwarder.js';

const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** The forwarder's settings in the environment (beside `KAFKA_BROKERS`, which `loadConfig` reads). */
export const forwarderEnvSchema = z.object({
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ -')
    .default('orderflow.'),
  KAFKA_TOPIC_SUFFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, . _ -')
    .default(''),
  KAFKA_TOPIC_PARTITIONS: count(6),
  KAFKA_TOPIC_REPLICATION: count(1),
  /** -1 (default): kept forever. */
  KAFKA_TOPIC_RETENTION_MS: z.coerce.number().int().min(-1).default(-1),
  KAFKA_FORWARDER_BATCH_SIZE: count(1_000),
});

/** Parses the forwarder's environment (fail fast, every bad variable named) into `createKafkaForwarder` options. */
export function forwarderOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Pick<KafkaForwarderOptions, 'naming' | 'topics' | 'batchSize'> {
  const e = parseEnv(forwarderEnvSchema, env, 'Kafka forwarder configuration');
  return {
    naming: { prefix: e.KAFKA_TOPIC_PREFIX, suffix: e.KAFKA_TOPIC_SUFFIX },
    topics: { partitions: e.KAFKA_TOPIC_PARTITIONS, replicationFactor: e.KAFKA_TOPIC_REPLICATION, retentionMs: e.KAFKA_TOPIC_RETENTION_MS },
    batchSize: e.KAFKA_FORWARDER_BATCH_SIZE,
  };
}
