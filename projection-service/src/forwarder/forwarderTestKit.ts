import { randomUUID } from 'node:crypto';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { eventHeaders, type EventEnvelope, type EventStore, type NewEvent, type Position, type RecordedEvent } from '@orderflow/platform';

/** Shared by the forwarder's integration tests: events to forward, and a consumer group that records what arrives. */

const kinds = [
  { prefix: 'order-', types: ['OrderConfirmed', 'OrderShipped', 'OrderDelivered'] },
  { prefix: 'inventory-', types: ['StockReceived', 'StockAdjusted'] },
  { prefix: 'payment-', types: ['PaymentCaptured', 'PaymentVoided'] },
  // The saga's own streams, which must never reach Kafka.
  { prefix: 'checkout-', types: ['CheckoutStepTaken'] },
] as const;

export function newEvent(type: string, data: Record<string, string | number>): NewEvent {
  return {
    type,
    data,
    metadata: {
      eventId: randomUUID(),
      correlationId: `corr-${randomUUID()}`,
      traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
    },
  };
}

/** Appends `rounds` rounds; each round adds one event to each of `streams` streams of every kind, interleaved. */
export async function appendFlow(
  store: EventStore,
  options: { streams: number; rounds: number; tag: string },
): Promise<Position | undefined> {
  let last: Position | undefined;
  for (let round = 0; round < options.rounds; round++)
    for (let i = 0; i < options.streams; i++)
      for (const kind of kinds) {
        const type = kind.types[round % kind.types.length] ?? 'Unknown';
        ({ position: last } = await store.appendToStream(`${kind.prefix}${options.tag}-${i}`, [
          newEvent(type, { id: `${options.tag}-${i}`, round }),
        ]));
      }
  return last;
}

/** Every event of the forwarded streams, in log order. */
export async function forwardedEvents(store: EventStore): Promise<RecordedEvent[]> {
  return store.readAll({ filter: { streamPrefixes: ['order-', 'inventory-', 'payment-'] } });
}

export interface Received {
  readonly topic: string;
  readonly key: string;
  readonly eventId: string;
  /** Every header of the record, as UTF-8 text. */
  readonly headers: Readonly<Record<string, string>>;
  readonly envelope: EventEnvelope;
}

/** A consumer group reading `topics` from the beginning, recording every message in arrival order. */
export async function startRecording(kafka: Kafka, topics: readonly string[], groupId: string) {
  const received: Received[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }: EachBatchPayload) => {
      for (const message of batch.messages) {
        received.push({
          topic: batch.topic,
          key: message.key?.toString() ?? '',
          eventId: message.headers?.[eventHeaders.eventId]?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
          envelope: JSON.parse(message.value?.toString() ?? 'null') as EventEnvelope,
        });
      }
      return Promise.resolve();
    },
  });
  return {
    received,
    uniqueIds: () => new Set(received.map((r) => r.eventId)).size,
    stop: () => consumer.disconnect(),
  };
}

/**
 * Per key, the revisions in arrival order with repeats dropped by event id (what a deduplicating consumer sees),
 * and how many arrivals were repeats.
 */
export function perKey(received: readonly Received[]): { sequences: Map<string, number[]>; repeats: number } {
  const seen = new Set<string>();
  const sequences = new Map<string, number[]>();
  let repeats = 0;
  for (const r of received) {
    if (seen.has(r.eventId)) {
      repeats++;
      continue;
    }
    seen.add(r.eventId);
    sequences.set(r.key, [...(sequences.get(r.key) ?? []), r.envelope.revision]);
  }
  return { sequences, repeats };
}

/** The same shape from the store: per stream, its revisions in order. */
export function expectedPerKey(events: readonly RecordedEvent[]): Map<string, number[]> {
  const sequences = new Map<string, number[]>();
  for (const e of events) sequences.set(e.streamId, [...(sequences.get(e.streamId) ?? []), Number(e.revision)]);
  return sequences;
}
