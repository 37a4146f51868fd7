import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { RecordedEvent } from '../eventStore/types.js';
import { counter, gauge } from '../telemetry/metrics.js';
import { kafkaLogCreator } from './kafkaLogger.js';
import { toProduceRequests } from './kafkaRequests.js';
import { allTopicNames, ensureTopics, type TopicNaming, type TopicSettings } from './topics.js';

export interface KafkaPublisherOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly naming?: TopicNaming;
  readonly topics?: TopicSettings;
  readonly logger: Logger;
  /** Wait between attempts while the broker is unreachable: doubles from `initialMs` up to `maxMs` (defaults 250 ms, 5 s). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Upper bound of one produce request (default 768 KiB, under the broker's 1 MiB `message.max.bytes`). */
  readonly maxRequestBytes?: number;
}

export interface PublisherHealth {
  /** `degraded` while the last attempt to reach the broker failed; `up` after the last batch was acknowledged. */
  readonly status: 'starting' | 'up' | 'degraded';
  readonly since: Date;
  readonly lastError?: string;
  /** Failed attempts in a row. */
  readonly failures: number;
}

/** Publishes recorded events to the category topics with an idempotent producer; used by the forwarder and replay. */
export interface KafkaPublisher {
  /** The topics this publisher writes, created (when missing) before the first send. */
  readonly topics: readonly string[];
  /**
   * Sends the events of forwarded streams (others are skipped) in one batch and resolves once Kafka acknowledged
   * every one of them (acks=all), returning how many were sent. Broker errors are retried with backoff until they
   * succeed or `signal` aborts (then it rejects with the abort reason). Only errors no retry can fix (a record the
   * broker refuses, e.g. too large) reject at once.
   */
  publish(events: readonly RecordedEvent[], signal?: AbortSignal): Promise<number>;
  /** Connects and creates the missing topics, waiting out an unreachable broker like `publish`. */
  ready(signal?: AbortSignal): Promise<void>;
  health(): PublisherHealth;
  close(): Promise<void>;
}

const sent = counter({ name: 'orderflow_kafka_sent_events_total', help: 'Events acknowledged by Kafka', labelNames: ['client'] });
const failures = counter({
  name: 'orderflow_kafka_send_failures_total',
  help: 'Batches that failed to reach Kafka and were retried',
  labelNames: ['client'],
});
const brokerUp = gauge({ name: 'orderflow_kafka_broker_up', help: '1 while the last send to Kafka succeeded', labelNames: ['client'] });

/** Protocol errors that resending cannot fix: the record itself is refused. */
const refusedRecord = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

export function createKafkaPublisher(options: KafkaPublisherOptions): KafkaPublisher {
  const clientId = options.clientId ?? 'orderflow-publisher';
  const log = options.logger.child({ component: 'kafka-publisher', clientId });
  const kafka = new Kafka({
    brokers: [...options.brokers],
    clientId,
    connectionTimeout: 3_000,
    // One attempt fails within seconds; the outage itself is waited out by `publish`, which can be cancelled.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    logCreator: kafkaLogCreator(options.logger),
  });
  const topics = allTopicNames(options.naming);
  const initialMs = options.backoff?.initialMs ?? 250;
  const maxMs = options.backoff?.maxMs ?? 5_000;
  let producer: Promise<Producer> | undefined;
  let topicsReady = false;
  let health: PublisherHealth = { status: 'starting', since: new Date(), failures: 0 };
  let closed = false;

  async function connect(): Promise<Producer> {
    if (!topicsReady) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const created = await ensureTopics(admin, topics, options.topics);
        if (created.length > 0) log.info({ topics: created }, 'created Kafka topics');
      } finally {
        await admin.disconnect();
      }
      topicsReady = true;
    }
    // A fresh producer (new producer id) after every failure: the broker may have kept part of the failed batch,
    // whose sequence numbers would otherwise no longer line up. Resending the whole batch in order keeps each key's
    // order; a consumer may see a prefix of it twice (at-least-once) and drops repeats by the event-id header.
    const fresh = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    await fresh.connect();
    return fresh;
  }

  async function reset(): Promise<void> {
    const current = producer;
    producer = undefined;
    await current?.then((p) => p.disconnect()).catch(() => undefined);
  }

  /** Runs `attempt` until it succeeds: broker errors put the publisher in `degraded` and are retried after a pause. */
  async function withRetry<T>(what: string, attempt: (producer: Producer) => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    for (;;) {
      signal?.throwIfAborted();
      if (closed) throw new Error('Kafka publisher closed');
      try {
        producer ??= connect();
        const result = await attempt(await producer);
        if (health.status !== 'up') {
          if (health.status === 'degraded') log.info({ failures: health.failures }, 'Kafka reachable again');
          health = { status: 'up', since: new Date(), failures: 0 };
        }
        brokerUp.set({ client: clientId }, 1);
        return result;
      } catch (err) {
        await reset();
        if (refused(err)) throw err;
        failures.inc({ client: clientId });
        brokerUp.set({ client: clientId }, 0);
        const failed = health.status === 'degraded' ? health.failures + 1 : 1;
        health = {
          status: 'degraded',
          since: health.status === 'degraded' ? health.since : new Date(),
          lastError: err instanceof Error ? err.message : String(err),
          failures: failed,
        };
        const delayMs = Math.min(maxMs, initialMs * 2 ** Math.min(failed - 1, 20));
        log.warn({ err, failures: failed, delayMs }, `Kafka ${what} failed; retrying after a pause`);
        // An abort during the pause rejects with the signal's own reason, as `throwIfAborted` does.
        await sleep(delayMs, undefined, signal === undefined ? {} : { signal }).catch((abort: unknown) => {
          signal?.throwIfAborted();
          throw abort;
        });
      }
    }
  }

  return {
    topics,
    async ready(signal) {
      await withRetry('connect', () => Promise.resolve(), signal);
    },
    async publish(events, signal) {
      const { requests, count } = toProduceRequests(events, options.naming, options.maxRequestBytes);
      // One request after the other: a failed one is retried whole before the next, so each key keeps its order.
      for (const topicMessages of requests) await withRetry('send', (p) => p.sendBatch({ topicMessages, acks: -1 }), signal);
      sent.inc({ client: clientId }, count);
      return count;
    },
    health: () => health,
    async close() {
      closed = true;
      await reset();
    },
  };
}

/** Whether the error (or one it wraps) is the broker refusing a record, which no retry can fix. */
function refused(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; depth++) {
    const type = (e as Error & { type?: unknown }).type;
    if (typeof type === 'string' && refusedRecord.has(type)) return true;
    e = (e as Error & { originalError?: unknown }).originalError ?? e.cause;
  }
  return false;
}
