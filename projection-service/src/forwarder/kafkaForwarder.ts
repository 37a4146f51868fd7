import {
  createKafkaPublisher,
  type createLogger,
  forwardedStreamPrefixes,
  gauge,
  type EventStore,
  type Position,
  type ProcessorDefinition,
  type PublisherHealth,
  type ReadinessCheck,
  type TopicNaming,
  type TopicSettings,
} from '@orderflow/platform';

type Logger = ReturnType<typeof createLogger>;

export interface KafkaForwarderOptions {
  readonly brokers: readonly string[];
  /** Read to measure the backlog while a batch waits for the broker. */
  readonly store: EventStore;
  readonly logger: Logger;
  /** Processor name: the key of its checkpoint and lease (default `kafka-forwarder`). */
  readonly name?: string;
  readonly naming?: TopicNaming;
  readonly topics?: TopicSettings;
  /** Events per Kafka batch (default 1000). */
  readonly batchSize?: number;
  /** How often the backlog is measured while a batch is waiting (default 5 s), and its cap (default 10,000). */
  readonly backlog?: { readonly intervalMs?: number; readonly cap?: number };
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
}

export interface ForwarderHealth extends PublisherHealth {
  /** Events of forwarded streams not yet acknowledged by Kafka, from the oldest unacknowledged one (capped). */
  readonly backlog: number;
  /** Position of the last event Kafka acknowledged in this process. */
  readonly lastAcknowledged: Position | undefined;
}

/** The Kafka forwarder: a processor of the global log (run it with the processing runtime) and its health. */
export interface KafkaForwarder {
  readonly definition: ProcessorDefinition;
  readonly topics: readonly string[];
  /** Connects and creates the topics (waiting out an unreachable broker); `handleBatch` does it too, lazily. */
  ready(signal?: AbortSignal): Promise<void>;
  health(): ForwarderHealth;
  /** `/readyz` check `kafka`: fails while the broker is unreachable, naming the error and the backlog. */
  readinessCheck(): ReadinessCheck;
  close(): Promise<void>;
}

const backlogGauge = gauge({
  name: 'orderflow_kafka_backlog_events',
  help: 'Events stored but not yet acknowledged by Kafka while a forwarder batch is waiting (capped)',
  labelNames: ['processor'],
});

/**
 * Forwards order, inventory and payment events to their Kafka topics, at least once. `handleBatch` returns only
 * after Kafka acknowledged the whole batch, so the runtime's checkpoint never passes an unacknowledged event; while
 * the broker is unreachable it waits and retries (health `degraded`, backlog metric growing) instead of failing the
 * batch, which would park healthy events as poison. `checkout-*` saga streams stay internal.
 */
export function createKafkaForwarder(options: KafkaForwarderOptions): KafkaForwarder {
  const name = options.name ?? 'kafka-forwarder';
  const filter = { streamPrefixes: forwardedStreamPrefixes };
  const cap = options.backlog?.cap ?? 10_000;
  const publisher = createKafkaPublisher({
    brokers: options.brokers,
    clientId: `orderflow-${name}`,
    logger: options.logger,
    ...(options.naming && { naming: options.naming }),
    ...(options.topics && { topics: options.topics }),
    ...(options.backoff && { backoff: options.backoff }),
  });
  let backlog = 0;
  let lastAcknowledged: Position | undefined;
  let oldestPending: Position | undefined;

  const setBacklog = (value: number) => {
    backlog = value;
    backlogGauge.set({ processor: name }, value);
  };

  /** Counts the stored events from the oldest unacknowledged one on, up to the cap. */
  async function measureBacklog(): Promise<void> {
    const from = oldestPending;
    if (from === undefined) return;
    const after = await options.store.readAll({ from, filter, maxCount: cap - 1 });
    if (oldestPending === from) setBacklog(after.length + 1);
  }

  const definition: ProcessorDefinition = {
    name,
    filter,
    batchSize: options.batchSize ?? 1_000,
    transactional: false,
    async handleBatch(events, ctx) {
      const first = events[0];
      const last = events.at(-1);
      if (first === undefined || last === undefined) return;
      oldestPending = first.position;
      setBacklog(Math.max(backlog, events.length));
      const timer = setInterval(() => {
        measureBacklog().catch((err: unknown) => {
          options.logger.warn({ err, processor: name }, 'backlog measurement failed');
        });
      }, options.backlog?.intervalMs ?? 5_000);
      try {
        await publisher.publish(events, ctx.signal);
        lastAcknowledged = last.position;
      } finally {
        clearInterval(timer);
        oldestPending = undefined;
      }
      setBacklog(0);
    },
  };

  const health = (): ForwarderHealth => ({ ...publisher.health(), backlog, lastAcknowledged });
  return {
    definition,
    topics: publisher.topics,
    ready: (signal) => publisher.ready(signal),
    health,
    readinessCheck: () => ({
      name: 'kafka',
      check: () => {
        const now = health();
        if (now.status === 'degraded')
          return Promise.reject(
            new Error(`Kafka unreachable since ${now.since.toISOString()} (${now.lastError ?? '?'}); backlog ${now.backlog}`),
          );
        return Promise.resolve({ status: now.status, backlog: now.backlog });
      },
    }),
    close: () => publisher.close(),
  };
}
