import { z } from 'zod';
import { EventMetadata } from '../events/eventMetadata.js';
import { eventRegistry, type EventType } from '../events/eventRegistry.js';
import { eventCategories } from './eventCategories.js';
import { eventExamples } from './eventExamples.js';

export interface AsyncApiOptions {
  /** Topic names are `<topicPrefix><category>.v<major>` (defaults `orderflow.` and 1), as the forwarder names them. */
  readonly topicPrefix?: string;
  readonly major?: number;
  /** Kafka servers to list, by name (defaults: the local broker of `pnpm infra:up` and the compose stack's). */
  readonly servers?: Readonly<Record<string, { readonly host: string; readonly description: string }>>;
}

/** A JSON document (what `JSON.stringify` writes). */
export type AsyncApiDocument = Record<string, unknown>;

const defaultServers = {
  local: { host: '127.0.0.1:59092', description: 'The local broker of `pnpm infra:up` (KRaft, no auth).' },
  compose: { host: 'localhost:9092', description: 'The broker of the compose stack (compose/docker-compose.yml).' },
};

const kafkaBinding = { bindingVersion: '0.5.0' };
const schemaFormat = 'application/schema+json;version=draft-07';

/** Kafka record headers of every event; values are UTF-8 strings. */
const EventHeaders = z.object({
  'event-id': z.uuid().describe('The event id: deduplicate on it (delivery is at least once).'),
  'event-type': z.string().describe('The event type, as in the envelope.'),
  'schema-version': z
    .string()
    .regex(/^[1-9][0-9]*$/)
    .describe('The schema version of the payload (decimal).'),
  'content-type': z.literal('application/json'),
  'correlation-id': z.string().optional().describe('The correlation id of the request that caused the event.'),
  traceparent: z.string().optional().describe('W3C trace context of the operation that produced the event.'),
});

function json(schema: z.ZodType, io: 'input' | 'output' = 'output') {
  const converted: Record<string, unknown> = { ...z.toJSONSchema(schema, { target: 'draft-7', io }) };
  delete converted.$schema;
  return converted;
}

/** The record value of one event type: the store's envelope with the event's data and metadata. */
function envelopeSchema(type: EventType, streamPrefix: string) {
  const { schema, schemaVersion } = eventRegistry[type];
  return z.object({
    type: z.literal(type),
    data: schema.shape.data,
    metadata: EventMetadata.extend({ schemaVersion: z.literal(schemaVersion) }),
    position: z
      .string()
      .regex(/^[0-9a-f]{16}\/[0-9a-f]{16}$/)
      .describe('Position in the global log: totally ordered as a string; the consistency token of the write.'),
    streamId: z.string().startsWith(streamPrefix).describe('The aggregate stream: also the record key.'),
    revision: z.int().min(0).describe('0-based revision of the event in its stream: consecutive per key.'),
  });
}

function example(type: keyof typeof eventExamples, category: (typeof eventCategories)[number]) {
  const streamId = `${category.streamPrefix}${category.category === 'inventory' ? 'SNEAKER-42' : 'o-7f3a'}`;
  const metadata = {
    eventId: '0b8f6d2e-4a51-4c1e-9a57-3f7e2d9c1b64',
    correlationId: 'req-5e21',
    causationId: 'cmd-9d10',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    actor: 'customer:c-1042',
    schemaVersion: eventRegistry[type].schemaVersion,
    occurredAt: '2026-11-21T10:00:00.000Z',
  };
  return {
    name: `${type}Example`,
    summary: `A ${type} event on ${streamId}`,
    headers: {
      'event-id': metadata.eventId,
      'event-type': type,
      'schema-version': String(metadata.schemaVersion),
      'content-type': 'application/json',
      'correlation-id': metadata.correlationId,
      traceparent: metadata.traceparent,
    },
    payload: { type, data: eventExamples[type], metadata, position: '0000000000000312/0000000000000007', streamId, revision: 3 },
  };
}

/**
 * The AsyncAPI 3 document of the event topics (the analysts' catalog): one channel per aggregate category, one
 * message per event type with its key, headers, payload (JSON Schema draft-07 from the zod schemas) and an example.
 */
export function asyncApiDocument(options: AsyncApiOptions = {}): AsyncApiDocument {
  const prefix = options.topicPrefix ?? 'orderflow.';
  const major = options.major ?? 1;
  const servers = Object.fromEntries(
    Object.entries(options.servers ?? defaultServers).map(([name, s]) => [name, { ...s, protocol: 'kafka' }]),
  );
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const category of eventCategories) {
    const types = category.union.options.map((option) => option.shape.type.value);
    const address = `${prefix}${category.category}.v${major}`;
    channels[category.category] = {
      address,
      title: `${category.aggregate} events`,
      description:
        `Every event of the \`${category.streamPrefix}<id>\` streams, in the order of each stream (key = stream id). ` +
        'Delivered at least once: a record may repeat after a broker outage or a restart; drop repeats by the `event-id` header.',
      messages: Object.fromEntries(types.map((type) => [type, { $ref: `#/components/messages/${type}` }])),
      bindings: {
        kafka: {
          ...kafkaBinding,
          topic: address,
          topicConfiguration: { 'cleanup.policy': ['delete'], 'retention.ms': -1 },
        },
      },
    };
    operations[`receive${category.aggregate}Events`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${category.category}` },
      summary: `Consume ${category.aggregate} events`,
      messages: types.map((type) => ({ $ref: `#/channels/${category.category}/messages/${type}` })),
    };
    for (const type of types) {
      messages[type] = {
        name: type,
        title: type,
        summary: `${type} (schema version ${eventRegistry[type].schemaVersion}) on ${address}`,
        contentType: 'application/json',
        correlationId: { $ref: '#/components/correlationIds/correlationId' },
        headers: { schemaFormat, schema: { $ref: '#/components/schemas/EventHeaders' } },
        payload: { schemaFormat, schema: json(envelopeSchema(type, category.streamPrefix)) },
        bindings: {
          kafka: { ...kafkaBinding, key: { type: 'string', pattern: `^${category.streamPrefix}`, description: 'The stream id.' } },
        },
        examples: [example(type, category)],
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'orderflow events',
      version: `${major}.0.0`,
      description:
        'The event log of orderflow as Kafka topics, for analysts. Each topic carries one aggregate category; the ' +
        'record key is the stream id, so each aggregate stays in order within its partition. The value is the ' +
        'JSON envelope `{type, data, metadata, position, streamId, revision}` exactly as stored (events of an older ' +
        'schema version are upcast to the version listed here). Delivery is at least once: deduplicate by `event-id`. ' +
        'Topics keep their history forever (retention.ms = -1) and can be rebuilt by `orderflow events replay`.',
    },
    defaultContentType: 'application/json',
    servers,
    channels,
    operations,
    components: {
      messages,
      schemas: { EventHeaders: json(EventHeaders, 'input') },
      correlationIds: {
        correlationId: { description: 'The request that caused the event.', location: '$message.header#/correlation-id' },
      },
    },
  };
}
