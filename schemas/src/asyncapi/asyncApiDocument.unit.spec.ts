import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventMetadata } from '../events/eventMetadata.js';
import { eventRegistry, eventTypes } from '../events/eventRegistry.js';
import { asyncApiDocument } from './asyncApiDocument.js';
import { internalEventTypes } from './eventCategories.js';

const published = eventTypes.filter((type) => !internalEventTypes.includes(type));

interface Message {
  readonly payload: { readonly schemaFormat: string; readonly schema: { properties: Record<string, unknown>; required: string[] } };
  readonly headers: unknown;
  readonly bindings: { readonly kafka: { readonly key: { readonly pattern: string } } };
  readonly examples: readonly { readonly headers: Record<string, string>; readonly payload: Record<string, unknown> }[];
}
interface Channel {
  readonly address: string;
  readonly messages: Record<string, { readonly $ref: string }>;
}

const doc = asyncApiDocument() as {
  asyncapi: string;
  channels: Record<string, Channel>;
  operations: Record<string, { channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: { messages: Record<string, Message>; schemas: { EventHeaders: { required: string[] } } };
};

describe('asyncApiDocument', () => {
  it('is an AsyncAPI 3 document with one channel per topic', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.values(doc.channels).map((c) => c.address)).toEqual([
      'orderflow.orders.v1',
      'orderflow.inventory.v1',
      'orderflow.payments.v1',
    ]);
    const named = asyncApiDocument({ topicPrefix: 'lab.', major: 2 }) as typeof doc;
    expect(named.channels.orders?.address).toBe('lab.orders.v2');
  });

  it.each(published)('catalogs %s on exactly one channel, with key, headers, payload and a valid example', (type) => {
    const channels = Object.entries(doc.channels).filter(([, channel]) => type in channel.messages);
    expect(channels, `${type} has no catalog entry (add it to its aggregate's union in schemas/src/events)`).toHaveLength(1);
    const [name, channel] = channels[0] ?? [];
    expect(channel?.messages[type]).toEqual({ $ref: `#/components/messages/${type}` });
    const operation = Object.values(doc.operations).find((o) => o.channel.$ref === `#/channels/${name ?? ''}`);
    expect(operation?.messages).toContainEqual({ $ref: `#/channels/${name ?? ''}/messages/${type}` });

    const message = doc.components.messages[type];
    expect(message?.payload.schemaFormat).toBe('application/schema+json;version=draft-07');
    expect(message?.payload.schema.required).toEqual(['type', 'data', 'metadata', 'position', 'streamId', 'revision']);
    expect(message?.payload.schema.properties.type).toEqual({ type: 'string', const: type });
    const [example] = message?.examples ?? [];
    expect(example).toBeDefined();
    const payload = example?.payload ?? {};
    expect(() => eventRegistry[type].schema.parse({ type: payload.type, data: payload.data })).not.toThrow();
    expect(EventMetadata.parse(payload.metadata).schemaVersion).toBe(eventRegistry[type].schemaVersion);
    expect(String(payload.streamId)).toMatch(new RegExp(message?.bindings.kafka.key.pattern ?? '^$'));
    expect(example?.headers['event-id']).toBe((payload.metadata as { eventId: string }).eventId);
    expect(example?.headers['schema-version']).toBe(String(eventRegistry[type].schemaVersion));
  });

  it('catalogs every registered event type that is not declared internal, and nothing else', () => {
    expect(Object.keys(doc.components.messages).sort()).toEqual([...published].sort());
    for (const type of internalEventTypes) expect(eventTypes, `${type} is declared internal but not registered`).toContain(type);
  });

  it('requires the dedupe and type headers', () => {
    expect(doc.components.schemas.EventHeaders.required).toEqual(['event-id', 'event-type', 'schema-version', 'content-type']);
  });

  it('matches the committed schemas/asyncapi.json (run `pnpm asyncapi` after changing an event schema)', () => {
    const committed: unknown = JSON.parse(readFileSync(new URL('../../asyncapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
